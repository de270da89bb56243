{
    "name": "Zalo OA bench: floor reference",
    "summary": "Bench-only: a route doing a bare message_post (never in production)",
    "version": "17.0.1.0.0",
    "license": "LGPL-3",
    "author": "Zalo OA suite (bench)",
    "depends": ["mail"],
    "data": [],
    "installable": True,
}
