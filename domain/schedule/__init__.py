"""A psychologist's schedule: slots, the week editor and the schedule texts."""
