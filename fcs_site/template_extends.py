"""`{% extends %}` that finds the root template's blocks once per compiled template.

Django's ExtendsNode walks the whole node tree of the root template (base.html) on every
render to collect its blocks (`get_nodes_by_type`): about a tenth of a millisecond a page
here. A compiled template's tree never changes, so the result of the walk is kept on the
template (with the cached loader, for the life of the worker). Everything else is
Django's own ExtendsNode. This library is one of the template engine's builtins, loaded
after Django's, so its tag takes the place of the built-in one (settings.TEMPLATES).
"""

from django import template
from django.template.base import TextNode
from django.template.loader_tags import (
    BLOCK_CONTEXT_KEY,
    BlockContext,
    BlockNode,
    ExtendsNode,
    do_extends,
)

register = template.Library()

_NOT_ROOT = object()


def root_blocks(compiled) -> dict | None:
    """{name: BlockNode} of `compiled` when it is a root template (extends nothing), else
    None; as Django's ExtendsNode.render finds them, kept on the compiled template."""
    blocks = getattr(compiled, "_root_blocks", _NOT_ROOT)
    if blocks is _NOT_ROOT:
        blocks = None
        for node in compiled.nodelist:
            # The ExtendsNode has to be the first non-text node.
            if not isinstance(node, TextNode):
                if not isinstance(node, ExtendsNode):
                    blocks = {n.name: n for n in compiled.nodelist.get_nodes_by_type(BlockNode)}
                break
        compiled._root_blocks = blocks
    return blocks


class KeptBlocksExtendsNode(ExtendsNode):
    def render(self, context):
        compiled_parent = self.get_parent(context)
        if BLOCK_CONTEXT_KEY not in context.render_context:
            context.render_context[BLOCK_CONTEXT_KEY] = BlockContext()
        block_context = context.render_context[BLOCK_CONTEXT_KEY]
        block_context.add_blocks(self.blocks)
        blocks = root_blocks(compiled_parent)
        if blocks is not None:
            block_context.add_blocks(blocks)
        with context.render_context.push_state(compiled_parent, isolated_context=False):
            return compiled_parent._render(context)


@register.tag("extends")
def extends(parser, token):
    node = do_extends(parser, token)
    return KeptBlocksExtendsNode(node.nodelist, node.parent_name, node.template_dirs)
