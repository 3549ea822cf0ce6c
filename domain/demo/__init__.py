"""The demo a newcomer books in: psychologists with complete anketas and working hours, a
manager, clients with sessions and a catalogue, filled through the product's own use cases."""
