"""How Dutchie Backoffice is spoken of in messages (see `domain.pos_words`)."""

from intake_gui.domain.pos_words import PosWords

DUTCHIE_WORDS = PosWords(
    pos_name="Dutchie",
    admin_app="Backoffice",
    room_word="room",
    rooms_settings="Backoffice > Settings > Rooms",
    inventory_screen="Backoffice > Inventory",
    receive_history_screen="Backoffice > Inventory > Receive history",
    room_access_check=(
        "in Backoffice > Settings > Rooms, check “Room accessible by menus” / “Assign Rooms To Menus” "
        "for the room the stock is in"
    ),
    login_prompt="Sign in with your Dutchie Backoffice user.",
    history_window_days=31,
    documented_rate_per_minute=60,
    location_word="location",
    credential_word="login",
    move_hint=(
        "The Dutchie Backoffice has no known API for moving stock between rooms. Move it by hand in the "
        "Backoffice: Inventory > open the package > Move / change room."
    ),
    count_source="Dutchie sellable inventory (preorder/inventory)",
    room_access_note=(
        "The “Assign Rooms To Menus” switch itself is under Backoffice > Settings > Location > "
        "Integrations; turning it off gives every API key access to all rooms."
    ),
    api_base_example="https://<tenant>.backoffice.dutchie.com/api/",
)
