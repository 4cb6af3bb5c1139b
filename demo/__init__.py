"""`make demo`: the real bot against local fake Telegram and Metrica servers, in a terminal chat.

Nothing leaves the machine: the fakes (fakes/) listen on 127.0.0.1, the bot's database lives in
a temporary folder that is removed at the end. Modules: world.py (the demo Metrica world and
its clock), bot.py (the `python -m bot` process), terminal.py (HTML to terminal text, output
that does not trample the prompt), chat.py (the chat: what you type, what the bot says),
session.py (starting and stopping it all).
"""
