"""Text-message channels: search the directory by SMS or WhatsApp through a gateway NGOs already
use (Twilio, RapidPro/TextIt).

`conversation.respond()` turns one message into one answer; the gateway modules only check who
is calling (a signature or a shared secret) and speak the gateway's format. Nothing here stores
a sender's number or a message's words (memory.py says what is kept, and for how long).
"""
