"""Rebond's domain core: storage, rules and privacy, with no Rasa or Telegram inside."""
