"""What follows a booking over time: its planned events run when due, the cron jobs, and the
integrations' requests to plan them. Above booking, messaging and tickets, which it drives."""
