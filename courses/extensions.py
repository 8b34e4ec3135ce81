"""Extension points through which other apps add to cohort pages without `courses`
importing them (the layers point one way: forums reads courses, not the reverse).

A reading layer provider returns an object with `for_block(block)` (None for no discussion),
`passage_template`, `removed_template` and `scripts`, or None.

An application gate returns a message refusing `user`'s self-application to `cohort`, or None
(academies: cohorts that take applications only from nominated officials).
"""

from collections.abc import Callable

from django.http import HttpRequest

ReadingLayerProvider = Callable[[HttpRequest, object, object], object | None]
_reading_layers: list[ReadingLayerProvider] = []


def register_reading_layer(provider: ReadingLayerProvider) -> None:
    if provider not in _reading_layers:
        _reading_layers.append(provider)


def reading_layer(request: HttpRequest, access, page) -> object | None:
    for provider in _reading_layers:
        layer = provider(request, access, page)
        if layer is not None:
            return layer
    return None


ApplicationGate = Callable[[object, object], str | None]
_application_gates: list[ApplicationGate] = []


def register_application_gate(gate: ApplicationGate) -> None:
    if gate not in _application_gates:
        _application_gates.append(gate)


def application_refusal(user, cohort) -> str | None:
    """The first registered gate's refusal of this self-application, if any."""
    for gate in _application_gates:
        refusal = gate(user, cohort)
        if refusal:
            return refusal
    return None
