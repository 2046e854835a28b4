"""Keeping a framework object's clients covered when the framework makes new ones.

Some frameworks build their SDK client when it is first needed, or anew: LlamaIndex on the
first call (and on every call with ``reuse_client=False``), AutoGen whenever the object is
copied (``__setstate__`` builds a fresh client), Semantic Kernel on assignment. Covering the
clients that exist at ``instrument()`` time is not enough for those, so :func:`watch` gives the
object a subclass of its own class (the way the openai integration does for openai clients:
same name, module, qualname and docstring, so ``repr``, error messages that print
``type(self)``, ``isinstance`` and pydantic's validation read as before) that

* covers every value assigned to one of the watched ``attributes`` (``self._client = ...``,
  in ``__init__``, ``__setstate__``, a setter or the application's own code), and
* covers what one of the ``factories`` returns (``_get_client()``) before handing it on, and
* after one of the ``rescans`` (``Kernel.add_service``) covers the object again with ``scan``.

It adds no slot, no field and no state to the object, and costs nothing on a read (an
assignment to the object goes through one more function).
``copy.copy`` / ``copy.deepcopy`` keep the subclass (and so the coverage of the clients the
copy builds). Pickling gives the framework's own class: an object unpickles exactly as the
bare one, also where foundry-doctor is not installed, and is not instrumented there
(instrument it again after ``pickle.loads``).
"""

from __future__ import annotations

import copy
import copyreg
import functools
import threading
from collections.abc import Callable
from typing import Any, Final

from foundry_doctor._logging import logger_for
from foundry_doctor.integrations.frameworks.clients import cover
from foundry_doctor.integrations.instrument import is_openai_object

__all__ = ["is_watched", "watch"]

logger = logger_for("foundry_doctor")

#: class attribute of a watching subclass: the framework class it extends (a dunder name, so
#: that pydantic does not take it for a private attribute)
_BASE: Final = "__foundry_doctor_base__"

#: a function that covers the clients an object holds (``scan(obj, include_personal)``)
Scan = Callable[[Any, bool], object]

#: what pickling by protocol 2 and later rebuilds an object with
_NEWOBJ: Final = getattr(copyreg, "__newobj__", None)

#: (framework class, attributes, factories, rescans, scan, include_personal) -> its subclass
_classes: dict[
    tuple[type[Any], frozenset[str], tuple[str, ...], tuple[str, ...], Scan | None, bool],
    type[Any],
] = {}
_lock = threading.Lock()


def is_watched(obj: object) -> bool:
    """Whether ``obj``'s class is a watching subclass made by :func:`watch`."""
    return _BASE in type(obj).__dict__


def watch(
    obj: object,
    *,
    attributes: frozenset[str] = frozenset(),
    factories: tuple[str, ...] = (),
    rescans: tuple[str, ...] = (),
    scan: Scan | None = None,
    include_personal: bool,
) -> None:
    """Give ``obj`` the watching subclass of its class (once; again with other arguments
    replaces it). Never raises for a class that cannot take it: the clients covered already
    stay covered, and a DEBUG record says why the rest is not."""
    base: type[Any] = type(obj).__dict__.get(_BASE, type(obj))
    key = (base, attributes, factories, rescans, scan, include_personal)
    try:
        with _lock:
            cls = _classes.get(key)
            if cls is None:
                cls = _make_class(*key)
                _classes[key] = cls
        object.__setattr__(obj, "__class__", cls)
    except Exception:  # a class with a layout of its own, a metaclass that refuses
        logger.debug("foundry-doctor cannot watch %s for new clients", base, exc_info=True)


def _make_class(
    base: type[Any],
    attributes: frozenset[str],
    factories: tuple[str, ...],
    rescans: tuple[str, ...],
    scan: Scan | None,
    include_personal: bool,
) -> type[Any]:
    namespace: dict[str, Any] = {
        "__module__": base.__module__,
        "__qualname__": base.__qualname__,
        "__doc__": base.__doc__,
        "__slots__": (),
        _BASE: base,
        "__reduce_ex__": _reduce_as(base),
    }
    if attributes:
        namespace["__setattr__"] = _covering_setattr(base, attributes, include_personal)
    for name in factories:
        original = getattr(base, name, None)
        if callable(original):
            namespace[name] = _covering_factory(original, include_personal)
    if scan is not None:
        for name in rescans:
            original = getattr(base, name, None)
            if callable(original):
                namespace[name] = _rescanning(original, scan, include_personal)
    defined = _defined_above(base)
    if "__copy__" not in defined:
        namespace["__copy__"] = _copy
    if "__deepcopy__" not in defined:
        namespace["__deepcopy__"] = _deepcopy
    metaclass: Any = type(base)  # pydantic's ModelMetaclass, ABCMeta, type, ...
    cls: type[Any] = metaclass(base.__name__, (base,), namespace)
    return cls


def _on_class(cls: type[Any], name: str) -> Any:
    """``cls``'s attribute ``name`` as a plain function of the class (``getattr`` on the class:
    for a method, the function that takes the instance first)."""
    return getattr(cls, name)


def _defined_above(base: type[Any]) -> set[str]:
    """The names the classes of ``base``'s MRO define, ``object`` left out."""
    return {name for klass in base.__mro__[:-1] for name in vars(klass)}


def _covering_setattr(
    base: type[Any], attributes: frozenset[str], include_personal: bool
) -> Callable[[Any, str, Any], None]:
    set_on_base: Callable[[Any, str, Any], None] = _on_class(base, "__setattr__")

    def __setattr__(self: Any, name: str, value: Any) -> None:
        set_on_base(self, name, value)
        if name in attributes:
            _cover_quietly(value, include_personal)

    return __setattr__


def _covering_factory(original: Callable[..., Any], include_personal: bool) -> Callable[..., Any]:
    @functools.wraps(original)
    def factory(self: Any, *args: Any, **kwargs: Any) -> Any:
        made = original(self, *args, **kwargs)
        _cover_quietly(made, include_personal)
        return made

    return factory


def _rescanning(
    original: Callable[..., Any], scan: Scan, include_personal: bool
) -> Callable[..., Any]:
    @functools.wraps(original)
    def method(self: Any, *args: Any, **kwargs: Any) -> Any:
        result = original(self, *args, **kwargs)
        try:
            scan(self, include_personal)
        except Exception:
            logger.debug("foundry-doctor could not instrument new clients", exc_info=True)
        return result

    return method


def _cover_quietly(value: object, include_personal: bool) -> None:
    if _instrumented_already(value):
        return  # the client a factory hands out again (LlamaIndex: on every call)
    try:
        cover(value, include_personal=include_personal)
    except Exception:
        logger.debug("foundry-doctor could not instrument a new client", exc_info=True)


def _instrumented_already(value: object) -> bool:
    if not is_openai_object(value):
        return False
    from foundry_doctor.integrations.openai_client import is_instrumented

    return is_instrumented(value)


def _reduce_as(base: type[Any]) -> Callable[[Any, Any], Any]:
    """``__reduce_ex__`` that pickles the object as an instance of ``base`` itself."""
    reduce_on_base: Callable[[Any, Any], Any] = _on_class(base, "__reduce_ex__")

    def __reduce_ex__(self: Any, protocol: Any) -> Any:
        reduced = reduce_on_base(self, protocol)
        if not isinstance(reduced, tuple) or len(reduced) < 2:
            return reduced
        cls = type(self)
        func, args, *rest = reduced
        if func is _NEWOBJ and isinstance(args, tuple) and args and args[0] is cls:
            # pickle insists that __newobj__ makes an object of the class being pickled, so
            # name the class's own constructor instead: base.__new__(base, ...)
            return (base.__new__, (base, *args[1:]), *rest)
        if func is cls:
            func = base
        if isinstance(args, tuple):
            args = tuple(base if item is cls else item for item in args)
        return (func, args, *rest)

    return __reduce_ex__


def _reconstruct(obj: Any, memo: dict[int, Any] | None) -> Any:
    # what copy.copy / copy.deepcopy do for an object without __copy__, with this class kept
    # (copy._reconstruct is the standard library's own helper for it, there since Python 2)
    base: type[Any] = type(obj).__dict__[_BASE]
    reduce_on_base: Callable[[Any, Any], Any] = _on_class(base, "__reduce_ex__")
    reduced = reduce_on_base(obj, 4)
    return copy._reconstruct(obj, memo, *reduced)  # type: ignore[attr-defined]


def _copy(self: Any) -> Any:
    return _reconstruct(self, None)


def _deepcopy(self: Any, memo: dict[int, Any]) -> Any:
    return _reconstruct(self, memo)
