/** The usage lines of the command-line client (server/cli/commands.ts), apart so `carina --help` loads nothing else. */
export const CLIENT_USAGE = `  submit      --phase ID --token T [--url URL] [--note TEXT] [--resumable-over BYTES] FILE...
                                                                       upload a submission (one file per case, or an archive)
  status      ID --token T [--url URL] [--wait]                        a submission's status and results
  leaderboard PHASE [--url URL] [--json]                               a phase's public leaderboard
  download    (--phase N | --release ID) --token T --out DIR [--url URL]
                                                                       fetch a release's files: resumes, skips complete ones, checks sha256`;
