{
    "name": "Zalo OA bench: queued-processing experiment",
    "summary": "Bench-only what-if: webhook events marked q- are processed by the cron worker",
    "version": "17.0.1.0.0",
    "license": "LGPL-3",
    "author": "Zalo OA suite (bench)",
    "depends": ["zalo_oa"],
    "data": [],
    "installable": True,
}
