//! The Embed dialog: the iframe, oEmbed and image snippets for the map as it stands, and the copy-link button.
//! The snippets are [`crate::embed`]'s (host-tested); this fills them in and opens the dialog.

use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::HtmlInputElement;

use super::{Shared, document, element, page_lang, window};
use crate::embed;

pub(super) fn open_embed_dialog(app: &Shared) {
    fill_embed_dialog(app);
    // Not borrowed: opening the dialog moves the focus into it.
    let dialog: web_sys::HtmlDialogElement = element("embed-dialog").unchecked_into();
    let _ = dialog.show_modal();
}

pub(super) fn fill_embed_dialog(app: &Shared) {
    // The widget is pinned to the editor's language, like the iframe title written here.
    let (query, title) = {
        let a = app.borrow();
        (embed::widget_query(&a.state, a.lang), embed::iframe_title(&a.state, a.lang))
    };
    let origin = window().location().origin().unwrap_or_default();
    let preset = document()
        .query_selector("input[name=embed-size]:checked")
        .ok()
        .flatten()
        .and_then(|r| r.dyn_into::<HtmlInputElement>().ok())
        .map_or(embed::Preset::Responsive, |r| embed::Preset::from_value(&r.value()));
    let (plain, responsive) = embed::snippets(&origin, &query, preset, &title);
    let code: web_sys::HtmlTextAreaElement = element("embed-iframe-code").unchecked_into();
    code.set_value(&plain);
    let code: web_sys::HtmlTextAreaElement = element("embed-responsive-code").unchecked_into();
    code.set_value(&responsive);
    let preview: web_sys::HtmlIFrameElement = element("embed-preview").unchecked_into();
    let src = embed::widget_url(&origin, &query);
    if preview.src() != src {
        preview.set_src(&src);
    }
}

pub(super) fn copy_link() {
    let href = window().location().href().unwrap_or_default();
    let clipboard = window().navigator().clipboard();
    let promise = clipboard.write_text(&href);
    wasm_bindgen_futures::spawn_local(async move {
        let lang = page_lang();
        let message = match JsFuture::from(promise).await {
            Ok(_) => lang.t("action.copied"),
            Err(_) => lang.t("action.copy_failed"),
        };
        element("copy-status").set_text_content(Some(message));
    });
}
