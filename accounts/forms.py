from django.contrib.auth.forms import AuthenticationForm


class LoginForm(AuthenticationForm):
    """The sign-in form, with GOV.UK-style messages that say what to do."""

    error_messages = {
        "invalid_login": "Enter a correct username and password. Both are case-sensitive.",
        "inactive": "This account has been switched off. Ask your administrator for help.",
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].error_messages["required"] = "Enter your username"
        self.fields["password"].error_messages["required"] = "Enter your password"
        # No autofocus: GOV.UK pages let keyboard users start at the skip link.
        self.fields["username"].widget.attrs.pop("autofocus", None)
        self.fields["username"].widget.attrs.update({"autocomplete": "username", "spellcheck": "false"})
        self.fields["password"].widget.attrs.update({"autocomplete": "current-password"})
        self.fields["username"].max_length = 150
        self.fields["password"].strip = False
