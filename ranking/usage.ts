/** The `carina rank` usage line, apart from its command so `carina --help` loads nothing else. */
export const RANK_USAGE = `  rank      --input CSV [--lower-better] [--bootstrap N] [--seed S] [--json]
                                                      ranking analysis of algorithm,case,value rows (as challengeR)`;
