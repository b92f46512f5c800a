/**
 * The route table: every HTTP route of the platform with who may call it, what it takes and what it answers.
 * The OpenAPI document (openapi.ts), docs/api.md's check and the API tests' response validation all read it.
 * Paths are written as Express writes them (`/api/phases/:id`).
 */
import { z } from 'zod';
import * as analysis from './analysis.ts';
import * as auth from './auth.ts';
import * as cases from './cases.ts';
import * as challenges from './challenges.ts';
import { HealthReply, OpenApiDocument } from './health.ts';
import * as leaderboards from './leaderboards.ts';
import * as models from './models.ts';
import * as phases from './phases.ts';
import * as releases from './releases.ts';
import * as review from './review.ts';
import * as submissions from './submissions.ts';
import * as teams from './teams.ts';
import * as uploads from './uploads.ts';
import * as viewer from './viewer/viewer-json.ts';

export type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE' | 'HEAD' | 'OPTIONS';
export type Who = 'public' | 'signed in' | 'member' | 'captain' | 'organiser' | 'admin' | 'creator' | 'metrics token';

/** A response that is not JSON: its content type (binary artefacts, CSV, Prometheus text) or no body at all. */
export interface OtherBody {
  readonly contentType: string;
  readonly description: string;
}
export const NO_BODY: OtherBody = { contentType: '', description: 'no body' };
const binary = (description: string): OtherBody => ({ contentType: 'application/octet-stream', description });

export interface Route {
  readonly method: Method;
  readonly path: string;
  readonly area: string;
  readonly summary: string;
  readonly who: Who;
  /** JSON body schema, or the multipart fields' description. */
  readonly body?: z.ZodType | { readonly multipart: Record<string, string> };
  readonly query?: z.ZodType;
  /** Success statuses with their JSON schema or other body; errors are always the catalogue's ErrorBody. */
  readonly responses: Readonly<Record<number, z.ZodType | OtherBody>>;
}

const r = (route: Route): Route => route;

export const ROUTES: readonly Route[] = [
  // health
  r({ method: 'GET', path: '/healthz', area: 'health', who: 'public', summary: 'the process runs', responses: { 200: HealthReply } }),
  r({ method: 'GET', path: '/readyz', area: 'health', who: 'public', summary: 'the database answers and the server is not shutting down', responses: { 200: HealthReply } }),
  r({ method: 'GET', path: '/metrics', area: 'health', who: 'metrics token', summary: 'Prometheus metrics', responses: { 200: { contentType: 'text/plain; version=0.0.4', description: 'Prometheus text format' } } }),
  r({ method: 'GET', path: '/api/openapi.json', area: 'health', who: 'public', summary: 'this API as an OpenAPI 3.1 document', responses: { 200: OpenApiDocument } }),
  // accounts
  r({ method: 'POST', path: '/api/auth/register', area: 'auth', who: 'public', summary: 'create an account (unverified) and mail its verification link; the same answer for a taken address', body: auth.RegisterBody, responses: { 202: auth.MailSentReply } }),
  r({ method: 'POST', path: '/api/auth/verify', area: 'auth', who: 'public', summary: 'verify the address with the mailed link\'s token (once) and start a session', body: auth.VerifyBody, responses: { 200: auth.SessionReply } }),
  r({ method: 'POST', path: '/api/auth/verify/resend', area: 'auth', who: 'public', summary: 'mail a new verification link (the same answer whether or not the address has an account)', body: auth.EmailBody, responses: { 202: auth.MailSentReply } }),
  r({ method: 'POST', path: '/api/auth/password/forgot', area: 'auth', who: 'public', summary: 'mail a password-reset link (the same answer whether or not the address has an account)', body: auth.EmailBody, responses: { 202: auth.MailSentReply } }),
  r({ method: 'POST', path: '/api/auth/password/reset', area: 'auth', who: 'public', summary: 'set a new password with the mailed link\'s token (once): ends every session and token, starts a new session', body: auth.ResetPasswordBody, responses: { 200: auth.SessionReply } }),
  r({ method: 'GET', path: '/api/invitations', area: 'auth', who: 'signed in', summary: 'open co-organiser invitations to the caller\'s verified address', responses: { 200: auth.InvitationsReply } }),
  r({ method: 'POST', path: '/api/invitations/:id/accept', area: 'auth', who: 'signed in', summary: 'accept a co-organiser invitation (verified address only)', responses: { 200: auth.InvitationAcceptedReply } }),
  r({ method: 'POST', path: '/api/auth/login', area: 'auth', who: 'public', summary: 'start a session', body: auth.LoginBody, responses: { 200: auth.SessionReply } }),
  r({ method: 'POST', path: '/api/auth/logout', area: 'auth', who: 'public', summary: 'end the session', responses: { 204: NO_BODY } }),
  r({ method: 'GET', path: '/api/auth/me', area: 'auth', who: 'signed in', summary: 'who am I, and the CSRF token', responses: { 200: auth.SessionReply } }),
  r({ method: 'POST', path: '/api/tokens', area: 'auth', who: 'signed in', summary: 'create a personal API token (shown once; browser sessions only, a token cannot mint tokens)', body: auth.TokenBody, responses: { 201: auth.NewTokenReply } }),
  r({ method: 'GET', path: '/api/tokens', area: 'auth', who: 'signed in', summary: 'the caller\'s API tokens', responses: { 200: auth.TokensReply } }),
  r({ method: 'DELETE', path: '/api/tokens/:id', area: 'auth', who: 'signed in', summary: 'revoke an API token', responses: { 204: NO_BODY } }),
  // challenges
  r({ method: 'POST', path: '/api/challenges', area: 'challenges', who: 'admin', summary: 'create a challenge', body: challenges.NewChallengeBody, responses: { 201: challenges.ChallengeReply } }),
  r({ method: 'GET', path: '/api/challenges', area: 'challenges', who: 'public', summary: 'every challenge', responses: { 200: challenges.ChallengesReply } }),
  r({ method: 'GET', path: '/api/challenges/:slug', area: 'challenges', who: 'public', summary: 'a challenge, its phases and the caller\'s role', responses: { 200: challenges.ChallengeDetail } }),
  r({ method: 'PATCH', path: '/api/challenges/:slug', area: 'challenges', who: 'organiser', summary: 'change a challenge', body: challenges.ChallengeChangesBody, responses: { 200: challenges.ChallengeReply } }),
  r({ method: 'POST', path: '/api/challenges/:slug/organisers', area: 'challenges', who: 'organiser', summary: 'invite a co-organiser by e-mail (they accept from a verified account of that address)', body: challenges.OrganiserBody, responses: { 202: challenges.OrganiserInvitedReply } }),
  r({ method: 'POST', path: '/api/challenges/:slug/agreement', area: 'challenges', who: 'member', summary: 'accept the data-use agreement', body: challenges.AgreementBody, responses: { 200: challenges.AgreementReply } }),
  // phases
  r({ method: 'POST', path: '/api/challenges/:slug/phases', area: 'phases', who: 'organiser', summary: 'create a phase', body: phases.NewPhaseBody, responses: { 201: phases.PhaseReply } }),
  r({ method: 'PATCH', path: '/api/phases/:id', area: 'phases', who: 'organiser', summary: 'change a phase', body: phases.PhaseChangesBody, responses: { 200: phases.PhaseReply } }),
  r({ method: 'GET', path: '/api/phases/:id', area: 'phases', who: 'public', summary: 'a phase with its challenge slug and case names', responses: { 200: phases.PhaseDetailReply } }),
  // cases
  r({ method: 'POST', path: '/api/phases/:id/cases', area: 'cases', who: 'organiser', summary: 'add a case: CT and gold standard', body: { multipart: { name: 'the case name (text)', ct: 'the CT volume (file)', gold: 'the gold-standard airway mask (file)' } }, responses: { 201: cases.NewCaseReply } }),
  r({ method: 'POST', path: '/api/cases/:id/gold', area: 'cases', who: 'organiser', summary: 'a corrected gold standard (a new version)', body: { multipart: { gold: 'the corrected mask (file)' } }, responses: { 201: cases.NewGoldReply } }),
  r({ method: 'GET', path: '/api/phases/:id/cases', area: 'cases', who: 'public', summary: 'a phase\'s cases (organisers: with gold versions)', responses: { 200: cases.CasesReply } }),
  r({ method: 'GET', path: '/api/cases/:id/ct', area: 'cases', who: 'organiser', summary: 'download the CT', responses: { 200: binary('the CT file as an attachment') } }),
  // teams
  r({ method: 'POST', path: '/api/teams', area: 'teams', who: 'signed in', summary: 'create a team (the creator is captain)', body: teams.NewTeamBody, responses: { 201: teams.TeamReply } }),
  r({ method: 'POST', path: '/api/teams/join', area: 'teams', who: 'signed in', summary: 'join a team by invite code', body: teams.JoinTeamBody, responses: { 200: teams.TeamReply } }),
  r({ method: 'GET', path: '/api/teams/:id', area: 'teams', who: 'public', summary: 'a team (members and organisers see more)', responses: { 200: teams.TeamReply } }),
  r({ method: 'POST', path: '/api/teams/:id/leave', area: 'teams', who: 'member', summary: 'leave a team', responses: { 200: teams.LeaveTeamReply } }),
  r({ method: 'POST', path: '/api/teams/:id/captain', area: 'teams', who: 'captain', summary: 'hand the captaincy over', body: teams.CaptainBody, responses: { 200: teams.TeamReply } }),
  r({ method: 'POST', path: '/api/teams/:id/review', area: 'teams', who: 'organiser', summary: 'accept or reject a team', body: teams.TeamReviewBody, responses: { 200: teams.TeamReviewReply } }),
  r({ method: 'GET', path: '/api/challenges/:slug/teams', area: 'teams', who: 'public', summary: 'a challenge\'s teams', responses: { 200: teams.ChallengeTeamsReply } }),
  // submissions
  r({ method: 'POST', path: '/api/phases/:id/submissions', area: 'submissions', who: 'member', summary: 'submit masks', body: { multipart: { files: 'one mask per case, or one .zip/.tar.gz (files)', note: 'optional note (text)' } }, responses: { 202: submissions.AcceptedSubmission } }),
  r({ method: 'GET', path: '/api/phases/:id/quota', area: 'submissions', who: 'member', summary: 'the team\'s quota in the phase', responses: { 200: submissions.Quota } }),
  r({ method: 'GET', path: '/api/phases/:id/submissions/mine', area: 'submissions', who: 'member', summary: 'the team\'s submissions, newest first', responses: { 200: submissions.MySubmissionsReply } }),
  r({ method: 'GET', path: '/api/submissions/:id', area: 'submissions', who: 'member', summary: 'one submission with its cases', responses: { 200: submissions.SubmissionDetail } }),
  // resumable uploads
  r({ method: 'OPTIONS', path: '/api/uploads', area: 'uploads', who: 'public', summary: 'tus capabilities', responses: { 204: NO_BODY } }),
  r({ method: 'POST', path: '/api/uploads', area: 'uploads', who: 'member', summary: 'create a resumable upload (tus creation)', responses: { 201: uploads.UploadCreated } }),
  r({ method: 'HEAD', path: '/api/uploads/:id', area: 'uploads', who: 'creator', summary: 'the upload\'s offset', responses: { 200: NO_BODY } }),
  r({ method: 'PATCH', path: '/api/uploads/:id', area: 'uploads', who: 'creator', summary: 'append bytes at Upload-Offset', body: { multipart: {} }, responses: { 204: NO_BODY } }),
  r({ method: 'DELETE', path: '/api/uploads/:id', area: 'uploads', who: 'creator', summary: 'terminate an upload', responses: { 204: NO_BODY } }),
  r({ method: 'POST', path: '/api/phases/:id/submissions/from-uploads', area: 'uploads', who: 'member', summary: 'submit finished uploads (masks, or a model with its manifest)', body: uploads.FromUploadsBody, responses: { 202: z.union([submissions.AcceptedSubmission, models.AcceptedModel]) } }),
  // leaderboards
  r({ method: 'GET', path: '/api/phases/:id/leaderboard', area: 'leaderboards', who: 'public', summary: 'the phase\'s leaderboard (`all=1`: organisers, with excluded entries)', query: leaderboards.LeaderboardQuery, responses: { 200: leaderboards.Leaderboard } }),
  // organiser review
  r({ method: 'GET', path: '/api/phases/:id/submissions', area: 'review', who: 'organiser', summary: 'every submission of the phase with its cases', responses: { 200: review.ReviewReply } }),
  r({ method: 'POST', path: '/api/submissions/:id/hide', area: 'review', who: 'organiser', summary: 'hide or show a submission', body: review.HideBody, responses: { 200: review.ModerationReply } }),
  r({ method: 'POST', path: '/api/submissions/:id/disqualify', area: 'review', who: 'organiser', summary: 'disqualify or requalify a submission', body: review.DisqualifyBody, responses: { 200: review.ModerationReply } }),
  r({ method: 'GET', path: '/api/challenges/:slug/audit', area: 'review', who: 'organiser', summary: 'the challenge\'s audit log, newest first', query: review.AuditQuery, responses: { 200: review.AuditReply } }),
  r({ method: 'POST', path: '/api/submissions/:id/reevaluate', area: 'review', who: 'organiser', summary: 're-evaluate a submission (a candidate run)', body: review.StartRunBody, responses: { 202: review.RunStarted } }),
  r({ method: 'POST', path: '/api/phases/:id/reevaluate', area: 'review', who: 'organiser', summary: 're-evaluate every done submission of a phase', body: review.StartRunBody, responses: { 202: review.RunStarted } }),
  r({ method: 'GET', path: '/api/phases/:id/runs', area: 'review', who: 'organiser', summary: 'the phase\'s re-evaluation runs', responses: { 200: review.RunsReply } }),
  r({ method: 'GET', path: '/api/runs/:id', area: 'review', who: 'organiser', summary: 'a run\'s progress, failures and diff', responses: { 200: review.RunReport } }),
  r({ method: 'POST', path: '/api/runs/:id/publish', area: 'review', who: 'organiser', summary: 'publish a finished run', body: review.DecideRunBody, responses: { 200: review.RunPublished } }),
  r({ method: 'POST', path: '/api/runs/:id/discard', area: 'review', who: 'organiser', summary: 'discard a run', body: review.DecideRunBody, responses: { 200: review.RunReply } }),
  r({ method: 'GET', path: '/api/phases/:id/analysis', area: 'review', who: 'organiser', summary: 'the ranking analysis: rank intervals, significance, every scheme, spread and difficulty (figures\' data)', responses: { 200: analysis.AnalysisReply } }),
  r({ method: 'GET', path: '/api/phases/:id/report.html', area: 'review', who: 'organiser', summary: 'the challenge report: one self-contained HTML file', responses: { 200: { contentType: 'text/html', description: 'HTML attachment, inline SVG and CSS, no external request' } } }),
  r({ method: 'GET', path: '/api/phases/:id/report.json', area: 'review', who: 'organiser', summary: 'the challenge report\'s data: every figure\'s data, settings and versions', responses: { 200: { contentType: 'application/json', description: 'JSON attachment: the analysis reply' } } }),
  r({ method: 'GET', path: '/api/phases/:id/export.csv', area: 'review', who: 'organiser', summary: 'results or leaderboard as CSV', query: review.CsvExportQuery, responses: { 200: { contentType: 'text/csv', description: 'RFC 4180 attachment' } } }),
  r({ method: 'GET', path: '/api/phases/:id/export.json', area: 'review', who: 'organiser', summary: 'leaderboard and per-case results as a JSON attachment', responses: { 200: { contentType: 'application/json', description: 'JSON attachment: the leaderboard with all entries, exportedAt and results rows (the CSV\'s keys)' } } }),
  // model phases
  r({ method: 'POST', path: '/api/phases/:id/models', area: 'models', who: 'member', summary: 'submit an ONNX model and its manifest', body: { multipart: { model: 'the .onnx file (file)', manifest: 'the manifest JSON (text or file)', note: 'optional note (text)' } }, responses: { 202: models.AcceptedModel } }),
  r({ method: 'GET', path: '/api/phases/:id/model-rules', area: 'models', who: 'signed in', summary: 'limits, caps and an example manifest of a model phase', responses: { 200: models.ModelRules } }),
  r({ method: 'GET', path: '/api/submissions/:id/model', area: 'models', who: 'member', summary: 'a model submission\'s model and runs', responses: { 200: models.SubmissionModel } }),
  // data releases
  r({ method: 'POST', path: '/api/challenges/:slug/releases', area: 'releases', who: 'organiser', summary: 'create a release (training set, phase inputs, documents or external link)', body: releases.NewReleaseBody, responses: { 201: releases.ReleaseReply } }),
  r({ method: 'GET', path: '/api/challenges/:slug/releases', area: 'releases', who: 'public', summary: 'the challenge\'s releases with the caller\'s access (organisers: every release)', responses: { 200: releases.ReleasesReply } }),
  r({ method: 'GET', path: '/api/releases/:id', area: 'releases', who: 'public', summary: 'a release, its files and the caller\'s access', responses: { 200: releases.ReleaseReply } }),
  r({ method: 'PATCH', path: '/api/releases/:id', area: 'releases', who: 'organiser', summary: 'change a release\'s name, description, opening or closing', body: releases.ReleaseChangesBody, responses: { 200: releases.ReleaseReply } }),
  r({ method: 'POST', path: '/api/releases/:id/open', area: 'releases', who: 'organiser', summary: 'open a release now (and clear a past closing)', responses: { 200: releases.ReleaseReply } }),
  r({ method: 'POST', path: '/api/releases/:id/close', area: 'releases', who: 'organiser', summary: 'close a release now', responses: { 200: releases.ReleaseReply } }),
  r({ method: 'POST', path: '/api/releases/:id/files', area: 'releases', who: 'organiser', summary: 'upload files into a release', body: { multipart: { files: 'one or more files (file)', role: '"ct", "gold", "document" or "other" (text, default from the name)' } }, responses: { 201: releases.ReleaseReply } }),
  r({ method: 'POST', path: '/api/releases/:id/cases', area: 'releases', who: 'organiser', summary: 'add a phase\'s CTs (and, from a finished mask phase, gold standards) without copying them', body: releases.PickCasesBody, responses: { 201: releases.ReleaseReply } }),
  r({ method: 'DELETE', path: '/api/releases/:id/files/:fileId', area: 'releases', who: 'organiser', summary: 'remove a file from a release', responses: { 200: releases.ReleaseReply } }),
  r({ method: 'POST', path: '/api/releases/:id/revocations', area: 'releases', who: 'organiser', summary: 'revoke a team\'s access', body: releases.RevokeBody, responses: { 200: releases.ReleaseReply } }),
  r({ method: 'DELETE', path: '/api/releases/:id/revocations/:teamId', area: 'releases', who: 'organiser', summary: 'give a team its access back', responses: { 200: releases.ReleaseReply } }),
  r({ method: 'GET', path: '/api/releases/:id/files/:fileId', area: 'releases', who: 'member', summary: 'download a file (Range, If-Range, ETag = its sha256)', responses: { 200: binary('the file as an attachment'), 206: binary('the requested byte range') } }),
  r({ method: 'HEAD', path: '/api/releases/:id/files/:fileId', area: 'releases', who: 'member', summary: 'a file\'s size and ETag, without the body', responses: { 200: NO_BODY, 206: NO_BODY } }),
  r({ method: 'GET', path: '/api/releases/:id/archive.zip', area: 'releases', who: 'member', summary: 'every file of the release as one zip, streamed (stored, zip64)', responses: { 200: { contentType: 'application/zip', description: 'zip attachment' } } }),
  r({ method: 'GET', path: '/api/releases/:id/manifest.sha256', area: 'releases', who: 'member', summary: 'the files\' sha256 in `sha256sum -c` format', responses: { 200: { contentType: 'text/plain', description: '"<sha256>  <name>" per line' } } }),
  r({ method: 'GET', path: '/api/releases/:id/urls.txt', area: 'releases', who: 'member', summary: 'one single-use URL per file (1 hour), for download managers', responses: { 200: { contentType: 'text/plain', description: '"<url>\\n  out=<name>" per file (aria2c -i; wget -i reads the URL lines)' } } }),
  r({ method: 'GET', path: '/api/downloads/:token', area: 'releases', who: 'public', summary: 'a single-use download URL from urls.txt (the token is the credential)', responses: { 200: binary('the file as an attachment') } }),
  r({ method: 'GET', path: '/api/releases/:id/log', area: 'releases', who: 'organiser', summary: 'the release\'s access log, newest first', query: releases.AccessLogQuery, responses: { 200: releases.AccessLogReply } }),
  r({ method: 'GET', path: '/api/releases/:id/log.csv', area: 'releases', who: 'organiser', summary: 'the release\'s access log as CSV', query: releases.AccessLogQuery, responses: { 200: { contentType: 'text/csv', description: 'RFC 4180 attachment' } } }),
  r({ method: 'GET', path: '/api/challenges/:slug/release-log', area: 'releases', who: 'organiser', summary: 'every release access in the challenge (per team with teamId), newest first', query: releases.AccessLogQuery, responses: { 200: releases.AccessLogReply } }),
  r({ method: 'GET', path: '/api/challenges/:slug/release-log.csv', area: 'releases', who: 'organiser', summary: 'the challenge\'s release access log as CSV', query: releases.AccessLogQuery, responses: { 200: { contentType: 'text/csv', description: 'RFC 4180 attachment' } } }),
  // 3D viewer
  r({ method: 'GET', path: '/api/evaluations/:id/viewer', area: 'viewer', who: 'member', summary: 'the viewer JSON of an evaluation', responses: { 200: viewer.EvaluationViewer } }),
  r({ method: 'GET', path: '/api/evaluations/:id/viewer/gold-surface', area: 'viewer', who: 'member', summary: 'gold-standard surface mesh', responses: { 200: binary('mesh (docs/viewer-api.md)') } }),
  r({ method: 'GET', path: '/api/evaluations/:id/viewer/leakage-surface', area: 'viewer', who: 'member', summary: 'leakage surface mesh', responses: { 200: binary('mesh (docs/viewer-api.md)') } }),
  r({ method: 'GET', path: '/api/evaluations/:id/viewer/ct', area: 'viewer', who: 'member', summary: 'CT volume', query: viewer.ViewerLevelQuery, responses: { 200: binary('volume (docs/viewer-api.md)') } }),
  r({ method: 'GET', path: '/api/evaluations/:id/viewer/gold', area: 'viewer', who: 'member', summary: 'gold-standard mask volume', query: viewer.ViewerLevelQuery, responses: { 200: binary('volume (docs/viewer-api.md)') } }),
  r({ method: 'GET', path: '/api/evaluations/:id/viewer/prediction', area: 'viewer', who: 'member', summary: 'prediction mask volume', query: viewer.ViewerLevelQuery, responses: { 200: binary('volume (docs/viewer-api.md)') } }),
  r({ method: 'GET', path: '/api/cases/:id/viewer', area: 'viewer', who: 'organiser', summary: 'the viewer JSON of a case\'s gold standard', responses: { 200: viewer.CaseViewer } }),
  r({ method: 'GET', path: '/api/cases/:id/viewer/gold-surface', area: 'viewer', who: 'organiser', summary: 'gold-standard surface mesh', responses: { 200: binary('mesh (docs/viewer-api.md)') } }),
  r({ method: 'GET', path: '/api/cases/:id/viewer/ct', area: 'viewer', who: 'organiser', summary: 'CT volume', query: viewer.ViewerLevelQuery, responses: { 200: binary('volume (docs/viewer-api.md)') } }),
  r({ method: 'GET', path: '/api/cases/:id/viewer/gold', area: 'viewer', who: 'organiser', summary: 'gold-standard mask volume', query: viewer.ViewerLevelQuery, responses: { 200: binary('volume (docs/viewer-api.md)') } }),
];

/** The route answering `method path` (a concrete path, query string allowed), literal segments before parameters. */
export function findRoute(method: string, path: string): { route: Route; params: Record<string, string> } | undefined {
  const segments = path.split('?')[0].split('/');
  let best: { route: Route; params: Record<string, string>; literal: number } | undefined;
  for (const route of ROUTES) {
    if (route.method !== method.toUpperCase()) continue;
    const pattern = route.path.split('/');
    if (pattern.length !== segments.length) continue;
    const params: Record<string, string> = {};
    let literal = 0;
    const matches = pattern.every((part, i) => {
      if (part.startsWith(':')) {
        params[part.slice(1)] = decodeURIComponent(segments[i]);
        return segments[i] !== '';
      }
      literal += 1;
      return part === segments[i];
    });
    if (matches && (!best || literal > best.literal)) best = { route, params, literal };
  }
  return best && { route: best.route, params: best.params };
}

export function isJsonSchema(body: z.ZodType | OtherBody | undefined): body is z.ZodType {
  return body !== undefined && !('contentType' in body);
}
