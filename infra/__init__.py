"""Infrastructure the adapters run the domain on: the cron scheduler (aiocron + Redis locks)."""
