"""Declarations of the built-in mechanisms, one module per mechanism, importable without Mesa.

Each module holds what checking a scenario needs (parameters, attributes, relations, event
types, ``check``, ``outcome_specs``, ``reporter_specs`` and the helpers they call); the model in
:mod:`simsim.mechanisms` inherits it. See :mod:`simsim.declaration`.
"""
