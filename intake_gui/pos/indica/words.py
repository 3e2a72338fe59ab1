"""How IndicaOnline is spoken of in messages (see `domain.pos_words`)."""

from intake_gui.domain.pos_words import PosWords

INDICA_WORDS = PosWords(
    pos_name="IndicaOnline",
    admin_app="IndicaOnline",
    room_word="room",
    rooms_settings="IndicaOnline > Settings > Rooms",
    inventory_screen="IndicaOnline > Inventory",
    receive_history_screen="IndicaOnline > Inventory",
    room_access_check="",
    login_prompt="Enter the store's IndicaOnline API key.",
    history_window_days=None,
    documented_rate_per_minute=None,
)
