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
    login_prompt="Enter the store's IndicaOnline API key, and your name for the receiving record.",
    history_window_days=None,
    documented_rate_per_minute=None,
    location_word="office",
    credential_word="API key",
    receive_hint=(
        "IndicaOnline's Open API documents no way to check a delivery in, so Intake cannot receive into "
        "it. Check the delivery in with IndicaOnline Web (Inventory > Check In); Intake can then count the "
        "stock and confirm it is on sale."
    ),
    move_hint=(
        "IndicaOnline's Open API documents no transfer between offices; move packages in IndicaOnline Web "
        "(Inventory > Checked In Packages > the package)."
    ),
    count_source="IndicaOnline inventory by office",
    count_note=(
        "IndicaOnline has no rooms: the whole office is one room. Package tags and check-in dates are read "
        "for each product as you scan it."
    ),
    api_base_example="https://… (the Open API address IndicaOnline gave the store)",
)
