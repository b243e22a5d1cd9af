"""ruamel.yaml round-trip loading with bounds: nodes after alias expansion, aliases, depth, time.

The round-trip tree is what callers need (a line on every node, intrinsic tags kept). The bounds
are enforced while the document is composed, before anything is constructed, so an alias bomb is
refused after a few thousand nodes instead of expanding to gigabytes in whoever walks the tree.
Values that cannot be constructed (a 30 February, an integer of 5,000 digits) become a syntax
problem at their line, and no message quotes the document's content.
"""

from __future__ import annotations

import re
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.composer import Composer
from ruamel.yaml.constructor import DuplicateKeyError, RoundTripConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import AliasEvent
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from cardaudit import limits
from cardaudit.limits import Deadline, LimitExceeded

_QUOTED = re.compile(r"\"(?:[^\"\\]|\\.)*\"|'[^']*'")
# A "\ud800" escape YAML decodes to a lone surrogate: not text, and no report format can write it.
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


class YamlSyntaxError(LimitExceeded):
    """The text is not YAML (or holds a value YAML cannot build); `message` quotes none of it."""


def _children(node: Node) -> list[Node]:
    if isinstance(node, MappingNode):
        return [part for pair in node.value for part in pair]
    if isinstance(node, SequenceNode):
        return list(node.value)
    return []


class _BoundedComposer(Composer):
    """Counts every node as often as aliases repeat it, and refuses past the bounds."""

    def __init__(self, loader: Any = None) -> None:
        super().__init__(loader)
        self._deadline = Deadline()
        self._sizes: dict[int, int] = {}  # id(node) -> nodes it stands for once expanded
        self._expanded = 0
        self._aliases = 0
        self._nesting = 0

    def _count(self, nodes: int, line: int) -> None:
        self._expanded += nodes
        if self._expanded > limits.MAX_YAML_NODES:
            raise LimitExceeded(f"more than {limits.MAX_YAML_NODES} YAML nodes once aliases are expanded; "
                                "not read", line)

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.parser.peek_event()
        line = event.start_mark.line + 1
        self._deadline.check(line)
        if isinstance(event, AliasEvent):
            self._aliases += 1
            if self._aliases > limits.MAX_YAML_ALIASES:
                raise LimitExceeded(f"more than {limits.MAX_YAML_ALIASES} aliases; not read", line)
            node = super().compose_node(parent, index)
            size = self._sizes.get(id(node))
            if size is None:  # the anchor is still open: the alias is inside what it names
                raise LimitExceeded("an alias inside the node it refers to (a recursive document); not read", line)
            self._count(size, line)
            return node
        self._nesting += 1
        if self._nesting > limits.MAX_DEPTH:
            raise LimitExceeded(f"nested deeper than {limits.MAX_DEPTH} levels; not read", line)
        node = super().compose_node(parent, index)
        self._nesting -= 1
        if isinstance(node, ScalarNode) and isinstance(node.value, str) and _LONE_SURROGATE.search(node.value):
            raise YamlSyntaxError("a lone surrogate escape (\\ud800-\\udfff) in a string, not text", line)
        self._sizes[id(node)] = 1 + sum(self._sizes.get(id(child), 1) for child in _children(node))
        self._count(1, line)
        return node


class _CheckedConstructor(RoundTripConstructor):
    """Turns a value Python cannot build (ValueError, OverflowError) into a problem at its line."""

    def construct_object(self, node: Any, deep: bool = False) -> Any:
        try:
            return super().construct_object(node, deep)
        except (ValueError, OverflowError, TypeError) as exc:
            what = "not a valid date or time" if str(node.tag).endswith("timestamp") else "a value YAML cannot build"
            raise LimitExceeded(what, node.start_mark.line + 1) from exc


def _quiet(text: str) -> str:
    """A parser message without the quoted pieces of the document it may carry."""
    return _QUOTED.sub("…", text).strip()


def _syntax_error(exc: MarkedYAMLError, text: str) -> YamlSyntaxError:
    if isinstance(exc, DuplicateKeyError):
        mark = exc.problem_mark
        return YamlSyntaxError("duplicate key in a mapping", mark.line + 1 if mark is not None else None)
    problem, context = exc.problem_mark, exc.context_mark
    message = _quiet(str(exc.problem or exc.context))
    if context is not None and exc.context and problem is not None:
        message += f" ({_quiet(exc.context)} started at line {context.line + 1})"
    mark = problem or context
    # A problem found at the end of the stream is best shown where the unclosed construct began.
    if problem is not None and context is not None and problem.line >= text.count("\n"):
        mark = context
    return YamlSyntaxError(message, mark.line + 1 if mark is not None else None)


def load_yaml(text: str) -> Any:
    """The round-trip tree of `text`; LimitExceeded past a bound, YamlSyntaxError if it is not YAML."""
    yaml = YAML(typ="rt")
    yaml.Composer = _BoundedComposer
    yaml.Constructor = _CheckedConstructor
    try:
        return yaml.load(text)
    except MarkedYAMLError as exc:
        raise _syntax_error(exc, text) from None
    except YAMLError as exc:
        raise YamlSyntaxError(_quiet(str(exc))) from None
    except RecursionError:
        raise LimitExceeded(f"nested deeper than {limits.MAX_DEPTH} levels; not read") from None
