/**
 * The one catalogue of every error code a person can see, with what they can do about it:
 * - HTTP errors (`{ error: { code, message, details? } }`), each with its status;
 * - failures of a case or a model run (shown per case on a submission, in the review table, the exports and the
 *   model runs), each with its owner: the team's to fix, or the platform's (a platform failure gives the quota
 *   back).
 * docs/api.md lists the same codes and test/contract/error-codes.test.ts checks that the source uses no other.
 */
import { z } from 'zod';

export const HTTP_ERRORS = {
  BAD_REQUEST: { status: 400, hint: 'the request body or query is malformed; the message says which field' },
  VALIDATION_FAILED: { status: 422, hint: 'the submitted files or values were checked and rejected; details list every problem' },
  UNAUTHENTICATED: { status: 401, hint: 'log in, or send a valid API token as "Authorization: Bearer <token>"' },
  INVALID_CREDENTIALS: { status: 401, hint: 'e-mail or password is wrong' },
  CSRF_FAILED: { status: 403, hint: 'browser requests that change state must send the X-CSRF-Token header from /api/auth/me' },
  FORBIDDEN: { status: 403, hint: 'your account does not have the role this action needs' },
  EMAIL_NOT_VERIFIED: { status: 403, hint: 'verify your e-mail address first: open the link mailed to you, or ask for a new one (POST /api/auth/verify/resend)' },
  LINK_INVALID: { status: 400, hint: 'the link is unknown, used or expired; ask for a new one' },
  NOT_FOUND: { status: 404, hint: 'no such resource, or it is not visible to you' },
  CONFLICT: { status: 409, hint: 'the resource exists already or is in a state that does not allow this' },
  PHASE_CLOSED: { status: 409, hint: 'the phase is not open for submissions now; see its open and close times' },
  QUOTA_EXCEEDED: { status: 429, hint: 'the team has used its submissions; the message says when the next one frees up' },
  RATE_LIMITED: { status: 429, hint: 'too many attempts; wait a minute and try again' },
  RANGE_NOT_SATISFIABLE: { status: 416, hint: 'the Range asks for bytes past the end of the file; ask for a range within its size (several ranges get the whole file)' },
  PAYLOAD_TOO_LARGE: { status: 413, hint: 'the upload exceeds the size limit given in the message' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, hint: 'send multipart/form-data for uploads and application/json otherwise' },
  UPLOAD_BUDGET_EXCEEDED: { status: 429, hint: 'your team has too many bytes on their way in (uploads in progress, reserved resumable uploads); let them finish or delete open ones, then retry' },
  INSUFFICIENT_STORAGE: { status: 507, hint: 'the platform is out of upload space; try later and tell the organisers' },
  INTERNAL: { status: 500, hint: 'a platform fault; it has been logged' },
  UNAVAILABLE: { status: 503, hint: 'the platform is starting or shutting down; retry shortly' },
} as const;

const team = 'team' as const;
const platform = 'platform' as const;

/**
 * Failures of one case (scoring an uploaded mask, running a model) and problems found while checking an upload
 * (in a 422's `details[].code`). Team-owned codes name something the team can fix; platform-owned ones do not
 * count toward the quota.
 */
export const FAILURE_CODES = {
  // reading and scoring an image (evaluator/errors.ts)
  FILE_NOT_FOUND: { owner: team, hint: 'the file is missing; upload it again' },
  UNSUPPORTED_FORMAT: { owner: team, hint: 'use NIfTI (.nii, .nii.gz), NRRD (.nrrd, .nhdr) or MetaImage (.mha, .mhd)' },
  UNREADABLE_IMAGE: { owner: team, hint: 'the file could not be read as an image; write it again with your imaging library' },
  TRUNCATED_IMAGE: { owner: team, hint: 'the file ends early (an interrupted copy or compression); upload it again' },
  WRONG_DIMENSION: { owner: team, hint: 'the image must be a 3D volume' },
  TOO_MANY_VOXELS: { owner: team, hint: 'the image has more voxels than the platform accepts; check its size' },
  GEOMETRY_MISMATCH: { owner: team, hint: 'the mask must have the CT\'s size, spacing, origin and direction; save it on the CT\'s grid' },
  EMPTY_GOLD_STANDARD: { owner: platform, hint: 'the organisers\' gold standard has no airway voxels; they must upload a corrected one' },
  BAD_PREPARED_GOLD: { owner: platform, hint: 'the prepared gold standard could not be read; the organisers prepare it again' },
  BAD_ARGUMENTS: { owner: team, hint: 'the command line is wrong; see carina --help' },
  // the platform around the evaluator (worker jobs)
  NO_PREDICTION: { owner: platform, hint: 'no prediction was stored for this case; it does not count toward the quota' },
  GOLD_STANDARD_UNAVAILABLE: { owner: platform, hint: 'the organisers\' reference is not available; it does not count toward the quota' },
  PLATFORM_ERROR: { owner: platform, hint: 'the platform failed on this case after its retries; it does not count toward the quota' },
  PLATFORM_TIMEOUT: { owner: platform, hint: 'the workers running this case stopped; it does not count toward the quota' },
  PLATFORM_RETRY: { owner: platform, hint: 'an attempt failed on the platform\'s side and the case is queued again; nothing to do' },
  SANDBOX_FAILED: { owner: platform, hint: 'the sandboxed inference process could not run; the organisers have been told' },
  SANDBOX_UNAVAILABLE: { owner: platform, hint: 'the model sandbox (bubblewrap) cannot start on this worker: the organisers install it (apt-get install bubblewrap) and allow user namespaces; models never run unconfined' },
  // running a model on a case (sandbox, evaluator/inference)
  MODEL_TIME_LIMIT: { owner: team, hint: 'the model ran past the phase\'s time limit per case; use fewer patches or a lighter model' },
  MODEL_MEMORY_LIMIT: { owner: team, hint: 'the model needed more memory than the phase allows per case; use a smaller patch or a lighter model' },
  MODEL_CRASHED: { owner: team, hint: 'the inference process died while running the model; check the model runs in onnxruntime' },
  MODEL_RUNTIME_ERROR: { owner: team, hint: 'onnxruntime failed while running the model; check it runs on the manifest\'s input shape' },
  MODEL_OUTPUT_SHAPE: { owner: team, hint: 'the model returned a tensor of another shape than the manifest declares' },
  MODEL_OUTPUT_NOT_FINITE: { owner: team, hint: 'the model returned NaN or infinite values; its output must be finite numbers' },
  MODEL_LOAD_FAILED: { owner: team, hint: 'onnxruntime cannot load the model; export it again with a supported opset' },
  BAD_MANIFEST: { owner: team, hint: 'the manifest does not describe a model Carina can run; see GET /api/phases/:id/model-rules' },
  // checking an uploaded model (server/models/onnx, model-interface.ts)
  NOT_ONNX: { owner: team, hint: 'the file is not an ONNX model; export it with torch.onnx.export or onnx.save' },
  EXTERNAL_DATA: { owner: team, hint: 'keep every weight inside the .onnx file (save_as_external_data=False)' },
  TOO_MANY_NODES: { owner: team, hint: 'the graph has more nodes than the platform allows; simplify the model' },
  TENSOR_TOO_LARGE: { owner: team, hint: 'a tensor is larger than the platform allows; use smaller weights or patches' },
  UNSUPPORTED_OPSET: { owner: team, hint: 'export with a supported opset and only standard operator domains' },
  GRAPH_TOO_DEEP: { owner: team, hint: 'subgraphs are nested too deep; flatten the model' },
  WRONG_INPUTS: { owner: team, hint: 'the model must take exactly one input, the CT patch' },
  WRONG_INPUT_RANK: { owner: team, hint: 'the input must be 5D: [batch, channels, ...patch]' },
  WRONG_INPUT_SHAPE: { owner: team, hint: 'the input shape must fit the manifest\'s channels and patch size' },
  WRONG_INPUT_TYPE: { owner: team, hint: 'the input must be float32' },
  WRONG_OUTPUT_RANK: { owner: team, hint: 'the first output must be 5D: [batch, channels, ...patch]' },
  WRONG_OUTPUT_SHAPE: { owner: team, hint: 'the output shape must fit the manifest\'s output channels and patch size' },
  WRONG_OUTPUT_TYPE: { owner: team, hint: 'the output must be float32' },
} as const;

export type HttpErrorCode = keyof typeof HTTP_ERRORS;
export type FailureCode = keyof typeof FAILURE_CODES;

export const HttpErrorCode = z.enum(Object.keys(HTTP_ERRORS) as [HttpErrorCode, ...HttpErrorCode[]]);
export const FailureCode = z.enum(Object.keys(FAILURE_CODES) as [FailureCode, ...FailureCode[]]);

/** Every error body of the API: `{ error: { code, message, details? } }`. */
export const ErrorBody = z.strictObject({
  error: z.strictObject({ code: HttpErrorCode, message: z.string(), details: z.unknown().optional() }),
});
export type ErrorBody = z.infer<typeof ErrorBody>;

/** One problem of a rejected upload (422 `details`): per case, file or field, with a failure code when there is one. */
export const Problem = z.object({
  case: z.string().optional(),
  file: z.string().optional(),
  field: z.string().optional(),
  code: FailureCode.optional(),
  problem: z.string().optional(),
  message: z.string().optional(),
});
export type Problem = z.infer<typeof Problem>;

/** The failure of a case as the API shows it. */
export const CaseError = z.strictObject({ code: FailureCode.nullable(), message: z.string().nullable(), owner: z.enum(['team', 'platform']).nullable() });
export type CaseError = z.infer<typeof CaseError>;
