"""Booking: holding and booking slots, a client's own steps, matching and reassignment, the
appointment's life on the board, its planned events, video links, reviews, the catalogue and
the reports."""
