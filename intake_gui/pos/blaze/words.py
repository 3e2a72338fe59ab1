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
    login_prompt="Enter the shop's BLAZE partner and developer keys.",
    history_window_days=None,
    documented_rate_per_minute=None,
)
