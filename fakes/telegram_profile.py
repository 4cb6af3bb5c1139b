"""The bot's profile in the fake Telegram: command lists per scope and language, descriptions, name.

A mixin of `BotApiMethods`. Command lists are kept per (scope, language_code) exactly as
Telegram does: getMyCommands answers the list set for that very scope and language (no
fallback), [] when none. Scopes naming a chat are resolved, so "@channel" and its numeric id
are the same scope. Descriptions and names are kept per language_code ("" is the default).
Callers hold the fake's lock.
"""

from __future__ import annotations

import json
import re
from typing import Any

from fakes.telegram_world import ApiError, World, bad_request

SCOPE_TYPES = frozenset(
    {
        "default",
        "all_private_chats",
        "all_group_chats",
        "all_chat_administrators",
        "chat",
        "chat_administrators",
        "chat_member",
    }
)
_CHAT_SCOPES = frozenset({"chat", "chat_administrators", "chat_member"})
_COMMAND = re.compile(r"[a-z0-9_]{1,32}")
# (parameter, getter's result field, longest allowed) per profile text
PROFILE_TEXTS = {
    "description": ("description", 512),
    "short_description": ("short_description", 120),
    "name": ("name", 64),
}


class ProfileMethods:
    """set/get/deleteMyCommands, set/getMyDescription, set/getMyShortDescription, set/getMyName."""

    world: World
    commands: dict[tuple[str, str], list[dict[str, Any]]]
    profile: dict[tuple[str, str], str]  # (field, language_code) -> text

    # --- commands ------------------------------------------------------------------------------
    def scope_key(self, scope: Any, *, strict: bool = True) -> str:
        """Canonical JSON of a BotCommandScope; strict raises Telegram's errors when invalid."""
        scope = scope or {"type": "default"}
        if not isinstance(scope, dict) or scope.get("type") not in SCOPE_TYPES:
            if strict:
                raise bad_request("unsupported bot command scope type")
            return json.dumps(scope, sort_keys=True)
        key: dict[str, Any] = {"type": scope["type"]}
        if scope["type"] in _CHAT_SCOPES:
            try:
                key["chat_id"] = self.world.resolve(scope.get("chat_id")).id
            except ApiError:
                if strict:
                    raise
                key["chat_id"] = scope.get("chat_id")
        if scope["type"] == "chat_member":
            user_id = scope.get("user_id")
            if strict and (not isinstance(user_id, int) or user_id not in self.world.users):
                raise bad_request("user not found")
            key["user_id"] = user_id
        return json.dumps(key, sort_keys=True)

    def commands_key(self, scope: Any, language_code: Any) -> tuple[str, str]:
        """Storage key of a command list: canonical scope and language code (lenient)."""
        return self.scope_key(scope, strict=False), str(language_code or "")

    def _strict_commands_key(self, params: dict[str, Any]) -> tuple[str, str]:
        return self.scope_key(params.get("scope")), str(params.get("language_code") or "")

    def set_my_commands(self, params: dict[str, Any]) -> Any:
        commands = params.get("commands")
        if not isinstance(commands, list):
            raise bad_request("can't parse commands JSON object")
        if len(commands) > 100:
            raise bad_request("too many commands specified")
        for command in commands:
            name, description = command.get("command", ""), command.get("description", "")
            if not _COMMAND.fullmatch(name) or not 1 <= len(description) <= 256:
                raise bad_request("BOT_COMMAND_INVALID")
        self.commands[self._strict_commands_key(params)] = [dict(c) for c in commands]
        return True

    def get_my_commands(self, params: dict[str, Any]) -> Any:
        return self.commands.get(self._strict_commands_key(params), [])

    def delete_my_commands(self, params: dict[str, Any]) -> Any:
        self.commands.pop(self._strict_commands_key(params), None)
        return True

    # --- descriptions and name -----------------------------------------------------------------
    def profile_text(self, field: str, language_code: Any) -> str:
        """The stored description, short description or name for a language ("" when unset)."""
        text = self.profile.get((field, str(language_code or "")), "")
        if field == "name" and not text and not language_code:
            return str(self.world.bot_user["first_name"])  # the default name is the bot's own
        return text

    def _set_profile(self, field: str, params: dict[str, Any]) -> Any:
        text = str(params.get(field) or "")
        if len(text) > PROFILE_TEXTS[field][1]:
            raise bad_request(f"{field.replace('_', ' ')} is too long")
        key = (field, str(params.get("language_code") or ""))
        if text:
            self.profile[key] = text
        else:
            self.profile.pop(key, None)  # an empty text removes it, as Telegram does
        return True

    def _get_profile(self, field: str, params: dict[str, Any]) -> Any:
        return {PROFILE_TEXTS[field][0]: self.profile_text(field, params.get("language_code"))}

    def set_my_description(self, params: dict[str, Any]) -> Any:
        return self._set_profile("description", params)

    def get_my_description(self, params: dict[str, Any]) -> Any:
        return self._get_profile("description", params)

    def set_my_short_description(self, params: dict[str, Any]) -> Any:
        return self._set_profile("short_description", params)

    def get_my_short_description(self, params: dict[str, Any]) -> Any:
        return self._get_profile("short_description", params)

    def set_my_name(self, params: dict[str, Any]) -> Any:
        return self._set_profile("name", params)

    def get_my_name(self, params: dict[str, Any]) -> Any:
        return self._get_profile("name", params)


PROFILE_METHODS = {
    "setmycommands": ProfileMethods.set_my_commands,
    "getmycommands": ProfileMethods.get_my_commands,
    "deletemycommands": ProfileMethods.delete_my_commands,
    "setmydescription": ProfileMethods.set_my_description,
    "getmydescription": ProfileMethods.get_my_description,
    "setmyshortdescription": ProfileMethods.set_my_short_description,
    "getmyshortdescription": ProfileMethods.get_my_short_description,
    "setmyname": ProfileMethods.set_my_name,
    "getmyname": ProfileMethods.get_my_name,
}
