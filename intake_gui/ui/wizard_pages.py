"""The wizard's pages, built on first use and then ahead of need, one per idle turn of the event loop.

The window's first frame needs only the Location page (`ReceiveWizard` builds it itself); the other pages'
modules (the products table, the verification panel, the diagnosis words behind them) cost more to import and lay
out than everything else on that frame. So a page is built the first time anything looks it up, and, once the
Location page has painted its first frame, `build_ahead` builds the rest in the clerk's order, one page per
zero-timer, so no step of the flow builds a page on the keypress that opens it and an input event waits at most
one page's construction. Either way a fresh page gets what the wizard already told its siblings (`_build`), so a
page built late is in the state `attach` and `new_receive` left the others in.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QWidget

from intake_gui.domain.wizard_flow import STEP_ORDER, Step

if TYPE_CHECKING:
    from intake_gui.ui.pages.no_receive_page import NoReceivePage
    from intake_gui.ui.pages.products_page import ProductsPage
    from intake_gui.ui.pages.review_page import ReviewPage
    from intake_gui.ui.pages.room_page import RoomPage
    from intake_gui.ui.pages.vendor_page import VendorPage
    from intake_gui.ui.pages.verify_page import VerifyPage
    from intake_gui.ui.wizard import ReceiveWizard

NO_RECEIVE = "no_receive"
"""The key of the page shown instead of the steps where the POS cannot receive."""
PageKey = Step | str

AHEAD_ORDER: tuple[Step, ...] = STEP_ORDER[1:]
"""The order pages are built ahead of need: the clerk's own (Location exists from the start)."""


class WizardPages(Mapping[Step, QWidget]):
    """The step pages by step, as the navigation reads them; a page is built when it is first looked up."""

    def __init__(self, wizard: ReceiveWizard, first: QWidget) -> None:
        self._wizard = wizard
        self._built: dict[PageKey, QWidget] = {Step.LOCATION: first}

    # ---- Mapping ----------------------------------------------------------------------------------

    def __getitem__(self, step: Step) -> QWidget:
        return self.page(step)

    def __iter__(self) -> Iterator[Step]:
        return iter(STEP_ORDER)

    def __len__(self) -> int:
        return len(STEP_ORDER)

    # ---- building -----------------------------------------------------------------------------------

    def page(self, key: PageKey) -> QWidget:
        """The page, built and put in the wizard's stack now if it did not exist."""
        page = self._built.get(key)
        if page is None:
            page = self._build(key)
            self._built[key] = page
            self._wizard.stack.addWidget(
                page
            )  # pages are shown by identity: stack order is irrelevant
        return page

    def built(self, key: PageKey) -> QWidget | None:
        """The page if it exists, else None: resets and shutdowns have nothing to do on an unbuilt page."""
        return self._built.get(key)

    def keys_built(self) -> set[PageKey]:
        return set(self._built)

    def build_ahead(self) -> None:
        """Build the next missing page and come back on the next turn of the event loop, until all exist.

        Stops by itself where there is nothing to build for: a closed wizard, or a POS that cannot receive
        (its one page is built by `attach`)."""
        wizard = self._wizard
        if not wizard._alive or not wizard.can_receive:
            return
        for step in AHEAD_ORDER:
            if step not in self._built:
                self.page(step)
                QTimer.singleShot(0, self.build_ahead)
                return

    def _build(self, key: PageKey) -> QWidget:
        """Construct one page and wire it to the wizard, with what the wizard already told its siblings."""
        wizard = self._wizard
        words = wizard.services.ctx.words if wizard.services is not None else None
        parent = (
            wizard.stack
        )  # never a top-level window, not even for the moment before `addWidget`
        if key is Step.VENDOR:
            from intake_gui.ui.pages.vendor_page import VendorPage

            vendor = VendorPage(parent)
            vendor.chosen.connect(wizard.choose_vendor)
            vendor.reload_requested.connect(wizard._reload_vendors)
            vendor.change_location.connect(lambda: wizard.go_to(Step.LOCATION))
            if words is not None:
                vendor.pos_name = words.pos_name
            return vendor
        if key is Step.ROOM:
            from intake_gui.ui.pages.room_page import RoomPage

            room = RoomPage(parent)
            room.chosen.connect(wizard.choose_room)
            room.confirmed.connect(wizard.confirm_room)
            room.change_location.connect(lambda: wizard.go_to(Step.LOCATION))
            if words is not None:
                room.set_pos_note(words.rooms_note)
            return room
        if key is Step.PRODUCTS:
            from intake_gui.ui.pages.products_page import ProductsPage

            products = ProductsPage(wizard.settings, parent)
            products.next_requested.connect(wizard.go_next)
            products.draft_changed.connect(wizard._draft_changed)
            products.audit.connect(wizard.audit)
            products.code_mapped.connect(wizard._save_code_mapping)
            products.title_changed.connect(wizard._title_changed)
            products.blind_count_toggled.connect(wizard._blind_count_toggled)
            return products
        if key is Step.REVIEW:
            from intake_gui.ui.pages.review_page import ReviewPage

            review = ReviewPage(parent)
            review.submit_requested.connect(wizard.submit)
            review.note_changed.connect(wizard._note_changed)
            review.go_back_requested.connect(lambda step: wizard.go_to(Step(step)))
            return review
        if key is Step.VERIFY:
            from intake_gui.ui.pages.verify_page import VerifyPage

            verify = VerifyPage(parent, backoff_s=wizard.session.recheck_s)
            verify.new_receive_requested.connect(wizard.new_receive)
            verify.confirm_requested.connect(wizard.sending.look_again)
            verify.decide_requested.connect(wizard.sending.decide)
            verify.panel.recheck_requested.connect(wizard.sending.verify)
            verify.move_requested.connect(wizard.open_move)
            return verify
        if key == NO_RECEIVE:
            from intake_gui.ui.pages.no_receive_page import NoReceivePage

            no_receive = NoReceivePage(parent)
            no_receive.count_requested.connect(wizard.count_requested.emit)
            return no_receive
        raise KeyError(key)


class PageAccess:
    """Mixed into ReceiveWizard: its pages by name, each built the first time it is asked for (`WizardPages`)."""

    pages: WizardPages

    @property
    def vendor_page(self) -> VendorPage:
        return self.pages.page(Step.VENDOR)  # type: ignore[return-value]

    @property
    def room_page(self) -> RoomPage:
        return self.pages.page(Step.ROOM)  # type: ignore[return-value]

    @property
    def products_page(self) -> ProductsPage:
        return self.pages.page(Step.PRODUCTS)  # type: ignore[return-value]

    @property
    def review_page(self) -> ReviewPage:
        return self.pages.page(Step.REVIEW)  # type: ignore[return-value]

    @property
    def verify_page(self) -> VerifyPage:
        return self.pages.page(Step.VERIFY)  # type: ignore[return-value]

    @property
    def no_receive_page(self) -> NoReceivePage:
        return self.pages.page(NO_RECEIVE)  # type: ignore[return-value]

    def built_pages(self) -> set[PageKey]:
        """The pages constructed so far (the start-up guard in tests/ui checks only Location is)."""
        return self.pages.keys_built()

    def _built_page(self, key: PageKey) -> Any:
        """The page if it exists, else None: resets and shutdowns have nothing to do on an unbuilt page."""
        return self.pages.built(key)


class AfterFirstPaint(QObject):
    """Calls `fn` once, as `widget` receives its first paint event: the first frame is being drawn, and nothing
    the clerk does can have reached the window before it. Used for work that must not delay that frame."""

    def __init__(self, widget: QWidget, fn: Callable[[], None]) -> None:
        super().__init__(widget)
        self._widget = widget
        self._fn: Callable[[], None] | None = fn
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._widget and event.type() == QEvent.Type.Paint and self._fn is not None:
            fn, self._fn = self._fn, None
            self._widget.removeEventFilter(self)
            fn()
        return False
