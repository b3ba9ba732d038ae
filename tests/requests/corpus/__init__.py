"""Labelled mail written for the classifier's tests (#15): see `mail`."""
