"""The chat interface: Telegram updates in, replies out. Where to look:

- commands.py             the command table: every command, who may use it, where; /help
- commands_<feature>.py   a feature's commands and the actions of its buttons (BUTTONS)
- invocation.py           what a command or button sees: chat, language, sender, reply/show
- topics.py               forum topics (which one an update is in, its name) and "typing"
- buttons.py              decoding a button press and dispatching it to its feature
- callback_data.py        the buttons' payloads; keyboards.py builds keyboards of them
- parsing.py              command arguments (pure)
- access.py               who is an admin, and chats managed from a private chat
- chat_events.py          the bot added, removed or blocked; groups becoming supergroups
- handlers.py             which update goes where; menu.py the command menus and descriptions
- error_handler.py        the last line of defence for anything unexpected
- context.py              typed access to the shared services
- pace.py                 one pace (TELEGRAM_MESSAGES_PER_SECOND) for every message sent
"""
