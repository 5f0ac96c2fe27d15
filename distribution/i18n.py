"""Marker for translatable texts of the core.

The core cannot translate (it knows no language or database); it marks its
message templates with :func:`_` so that Odoo's translation export, which scans
every Python file of the addon for ``_("...")``, extracts them. The Odoo layer
translates a template at display time with ``env._(template, **params)``.
"""


def _(message):
    """Return *message* unchanged: a gettext_noop marker."""
    return message


class CoreMessage:
    """A message template with its parameters, translatable later.

    ``template`` is an English ``%(name)s`` template marked with :func:`_`;
    ``params`` fills it.  ``str()`` gives the English text.
    """

    __slots__ = ("params", "template")

    def __init__(self, template, **params):
        self.template = template
        self.params = params

    def __str__(self):
        return self.template % self.params if self.params else self.template

    def __repr__(self):
        return f"CoreMessage({str(self)!r})"

    def __eq__(self, other):
        if isinstance(other, CoreMessage):
            return (self.template, self.params) == (other.template, other.params)
        return NotImplemented

    def __hash__(self):
        return hash((self.template, tuple(sorted(self.params.items()))))

    def translate(self, gettext):
        """Render with *gettext* (e.g. ``env._``) applied to the template.

        Parameters that are messages themselves are translated too.
        """
        template = gettext(self.template)
        if not self.params:
            return template
        params = {
            key: value.translate(gettext) if isinstance(value, CoreMessage) else value
            for key, value in self.params.items()
        }
        return template % params
