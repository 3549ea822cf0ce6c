"""Booking: holding and booking slots, the appointment's life on the board, its planned
events, video links, reviews, the catalogue and the reports."""
