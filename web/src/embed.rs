//! The Embed dialog's snippets: a plain `<iframe>` and a responsive one whose few lines of script follow the
//! widget's height messages (`{type: "footprint:height", height}`), accepted only from the widget's origin and
//! from its own iframe.

use footprint::i18n::Lang;

use crate::state::State;
use crate::url;

/// Size presets offered in the dialog.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Preset {
    /// Full column width; height follows the widget.
    Responsive,
    /// Full width, 4:3.
    FourThree,
    /// Full width, 16:9.
    SixteenNine,
    /// Full width, 600 px high.
    Fixed,
}

impl Preset {
    /// The preset named by the dialog's radio value.
    pub fn from_value(value: &str) -> Preset {
        match value {
            "4:3" => Preset::FourThree,
            "16:9" => Preset::SixteenNine,
            "fixed" => Preset::Fixed,
            _ => Preset::Responsive,
        }
    }
}

fn attr(text: &str) -> String {
    text.replace('&', "&amp;").replace('"', "&quot;").replace('<', "&lt;").replace('>', "&gt;")
}

/// The widget URL for a map state (`query` without `?`).
pub fn widget_url(origin: &str, query: &str) -> String {
    format!("{origin}/embed?{query}")
}

/// The query (without `?`) of the widget the dialog offers for a state: pinned to the editor's language.
pub fn widget_query(state: &State, lang: Lang) -> String {
    url::with_options(state, &url::options_with_lang("", lang.code()))
}

/// The iframe's title for a state, in the editor's language (the widget's language too).
pub fn iframe_title(state: &State, lang: Lang) -> String {
    lang.tf("embed.iframe_title", &[("date", &lang.day(state.map.day))])
}

/// The plain iframe and the responsive snippet for a state, size preset and title.
pub fn snippets(origin: &str, query: &str, preset: Preset, title: &str) -> (String, String) {
    let src = attr(&widget_url(origin, query));
    let title = attr(title);
    let style = match preset {
        Preset::Responsive => "border:0;width:100%;height:480px".to_owned(),
        Preset::FourThree => "border:0;width:100%;aspect-ratio:4/3".to_owned(),
        Preset::SixteenNine => "border:0;width:100%;aspect-ratio:16/9".to_owned(),
        Preset::Fixed => "border:0;width:100%;height:600px".to_owned(),
    };
    let plain =
        format!("<iframe src=\"{src}\" title=\"{title}\" style=\"{style}\" loading=\"lazy\" allowfullscreen></iframe>");
    let id = format!("footprint-{:08x}", fnv(query));
    let responsive = format!(
        "<iframe id=\"{id}\" src=\"{src}\" title=\"{title}\" style=\"border:0;width:100%;height:480px\" loading=\"lazy\" allowfullscreen></iframe>\n\
<script>(function(){{var f=document.getElementById(\"{id}\");window.addEventListener(\"message\",function(e){{\
if(e.origin!==\"{origin}\"||e.source!==f.contentWindow)return;var d=e.data;\
if(d&&d.type===\"footprint:height\"&&typeof d.height===\"number\")f.style.height=Math.max(200,Math.min(4000,d.height))+\"px\";}});}})();</script>",
        origin = attr(origin),
    );
    (plain, responsive)
}

/// A small stable hash, so two embeds of different states on one page get different ids.
fn fnv(text: &str) -> u32 {
    text.bytes().fold(0x811c_9dc5_u32, |h, b| (h ^ u32::from(b)).wrapping_mul(0x0100_0193))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_responsive_snippet_accepts_heights_only_from_the_widget_origin_and_iframe() {
        let (plain, responsive) =
            snippets("https://maps.example", "t=2025-03-31&w=30", Preset::Responsive, "A \"map\"");
        assert!(plain.contains("src=\"https://maps.example/embed?t=2025-03-31&amp;w=30\""));
        assert!(plain.contains("title=\"A &quot;map&quot;\""), "{plain}");
        assert!(responsive.contains("e.origin!==\"https://maps.example\""));
        assert!(responsive.contains("e.source!==f.contentWindow"));
        assert!(responsive.contains("footprint:height"));
    }

    #[test]
    fn the_widget_is_pinned_to_the_editors_language() {
        use footprint::domain::{Day, DaySpan};
        let timeline =
            DaySpan { first: Day::from_ymd(2024, 12, 1).unwrap(), last: Day::from_ymd(2025, 3, 31).unwrap() };
        let state = State::new(timeline);
        assert_eq!(widget_query(&state, Lang::Ru), format!("{}&lang=ru", url::encode(&state)));
        assert!(iframe_title(&state, Lang::Ru).contains("31 марта 2025"), "{}", iframe_title(&state, Lang::Ru));
    }

    #[test]
    fn presets_set_the_iframe_shape() {
        let (four_three, _) = snippets("https://m", "", Preset::FourThree, "t");
        assert!(four_three.contains("aspect-ratio:4/3"));
        let (fixed, _) = snippets("https://m", "", Preset::Fixed, "t");
        assert!(fixed.contains("height:600px"));
        assert_eq!(Preset::from_value("16:9"), Preset::SixteenNine);
    }
}
