"""The windows that belong to one open context: History, Shelf count and the catalog sync dashboard.

A mixin of `MainWindow`. Each of these windows holds the context's connector and journal, so they are opened
against the current context and shut down with it (`_close_windows_of_context`) when the station reconnects.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QWidget

from intake_gui.ui.screen_fit import show_fitted

if TYPE_CHECKING:
    from intake_gui.domain.models import Location
    from intake_gui.ui.count_window import CountWindow
    from intake_gui.ui.history_window import HistoryWindow
    from intake_gui.ui.main_window import MainWindow
    from intake_gui.ui.sync_status import SyncStatusDialog

    _Base = MainWindow
else:
    _Base = object

HISTORY_MODULE = "intake_gui.ui.history_window"


def close_on_escape(window: QWidget) -> None:
    """Esc closes a secondary window, as it closes a dialog (History is a window so it can sit beside the
    wizard; a clerk still expects Esc to put it away). It is only hidden: View > History shows it again."""
    shortcut = QShortcut(QKeySequence(QKeySequence.StandardKey.Cancel), window)
    shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
    shortcut.activated.connect(window.close)


class ContextWindowsMixin(_Base):
    def open_history(self) -> HistoryWindow | None:
        """View > History (and `intake-gui --history`): one window per open context, shown again if hidden."""
        if self.services is None:
            self.statusBar().showMessage("History opens once the connection is ready.", 5000)
            return None
        module = importlib.import_module(HISTORY_MODULE)
        if self.history_window is None:
            self.history_window = module.HistoryWindow(
                self.services, parent=self, scheduler=self.scheduler
            )
            close_on_escape(self.history_window)
            show_fitted(self.history_window, self.history_window.size())
        window = self.history_window
        window.show()
        window.raise_()
        window.activateWindow()
        self.history_opened.emit(window)
        return window

    def open_count(self) -> CountWindow | None:
        """Tools > Shelf count: reuse the open count window; a closed one is done with and replaced."""
        if self.services is None:
            self.statusBar().showMessage("Shelf count opens once the connection is ready.", 5000)
            return None
        window = self.count_window
        if window is None or not window.isVisible():
            from intake_gui.ui.count_window import CountWindow

            if window is not None:
                window.deleteLater()
            window = CountWindow(self.services, parent=self)
            self.count_window = window
            show_fitted(window, window.size())
        window.show()
        window.raise_()
        window.activateWindow()
        self.count_opened.emit(window)
        return window

    def open_sync_status(self) -> SyncStatusDialog | None:
        """View > Catalog sync status…: the dashboard for the catalog the wizard scans against."""
        location = self._sync_location()
        if self.services is None or location is None:
            self.statusBar().showMessage(
                "Choose a location first: the sync status is per catalog.", 5000
            )
            return None
        from intake_gui.ui.sync_status import SyncStatusDialog

        dialog = self.sync_dialog
        if dialog is not None and dialog.location.loc_id != location.loc_id:
            dialog.shutdown()
            dialog.deleteLater()
            dialog = None
        if dialog is None:
            dialog = SyncStatusDialog(
                self.services, location, scheduler=self.scheduler, parent=self
            )
            self.sync_dialog = dialog
        dialog.load()
        dialog.show()
        dialog.raise_()
        self.sync_status_opened.emit(dialog)
        return dialog

    def _sync_location(self) -> Location | None:
        """The wizard's location, or before one is chosen the station's usual one."""
        if self.wizard.flow.location is not None:
            return self.wizard.flow.location
        wanted = self.settings.last_location_id
        return next(
            (loc for loc in self.wizard.location_page.locations if loc.loc_id == wanted), None
        )

    def _close_windows_of_context(self) -> None:
        """History, Shelf count and the sync dashboard hold the closing context: shut them down with it."""
        history, self.history_window = self.history_window, None
        if history is not None:
            self._reopen_history = self._reopen_history or (
                history.isVisible() and not self._closing
            )
            history.shutdown()
            history.deleteLater()
        count, self.count_window = self.count_window, None
        if count is not None:
            count.close()
            count.deleteLater()
        dialog, self.sync_dialog = self.sync_dialog, None
        if dialog is not None:
            dialog.shutdown()
            dialog.deleteLater()
