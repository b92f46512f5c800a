/** The official ATM'22 metrics in their fixed order; no zod here, so the browser bundle can take the list alone. */
export const METRIC_NAMES = ['TD', 'BD', 'DSC', 'Precision', 'Sensitivity', 'Specificity'] as const;
