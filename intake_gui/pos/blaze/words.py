"""How BLAZE is spoken of in messages (see `domain.pos_words`)."""

from intake_gui.domain.pos_words import PosWords

BLAZE_WORDS = PosWords(
    pos_name="BLAZE",
    admin_app="BLAZE Retail",
    room_word="inventory",
    rooms_settings="BLAZE Retail > Settings > Inventories",
    inventory_screen="BLAZE Retail > Inventory",
    receive_history_screen="BLAZE Retail > Inventory > Batches",
    room_access_check="",
    login_prompt=(
        "Enter the shop's BLAZE partner and developer keys, and your name for the receiving record."
    ),
    history_window_days=7,
    documented_rate_per_minute=None,
    location_word="shop",
    credential_word="partner and developer key",
    rooms_note="In BLAZE these are the shop's inventories.",
    count_source="BLAZE batch quantities by inventory",
    api_base_example="https://… (the partner API address BLAZE gave the shop)",
)
