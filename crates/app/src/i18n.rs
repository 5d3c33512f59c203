//! Fluent catalogues (https://projectfluent.org/): the UI's strings and the buyers' messages are
//! both written in Fluent, so plurals and selectors follow each language. A catalogue is a list
//! of languages, the first the fallback; a message missing in one language is taken from it.

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};

type Bundle = FluentBundle<FluentResource>;

/// One set of messages in several languages.
pub struct Catalogue {
    locales: Vec<&'static str>,
    bundles: Vec<Bundle>,
    errors: Vec<String>,
}

impl std::fmt::Debug for Catalogue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Catalogue").field("locales", &self.locales).finish()
    }
}

impl Catalogue {
    /// Loads `(locale, Fluent text)` pairs; the first is the fallback language. Syntax errors are
    /// kept (see [`Catalogue::errors`]) and every message that parsed is used.
    pub fn new(files: &[(&'static str, &'static str)]) -> Self {
        let mut errors = Vec::new();
        let bundles = files
            .iter()
            .map(|(locale, text)| {
                let mut bundle = FluentBundle::new_concurrent(vec![locale.parse().unwrap_or_default()]);
                // No Unicode isolation marks around values: the text goes into HTML and e-mail.
                bundle.set_use_isolating(false);
                let resource = FluentResource::try_new(text.to_string()).unwrap_or_else(|(partial, e)| {
                    errors.extend(e.iter().map(|e| format!("{locale}: {e:?}")));
                    partial
                });
                if let Err(e) = bundle.add_resource(resource) {
                    errors.extend(e.iter().map(|e| format!("{locale}: {e:?}")));
                }
                bundle
            })
            .collect();
        Self { locales: files.iter().map(|(l, _)| *l).collect(), bundles, errors }
    }

    /// Syntax errors found while loading (a test keeps them empty).
    pub fn errors(&self) -> &[String] {
        &self.errors
    }

    pub fn locales(&self) -> &[&'static str] {
        &self.locales
    }

    /// The catalogue's language for a requested one: exact (`zh-CN`), then by primary language
    /// (`zh-TW` → `zh-CN`, `es-MX` → `es`), case-insensitive; else the fallback (index 0).
    pub fn pick(&self, requested: &str) -> usize {
        let requested = requested.trim().replace('_', "-");
        let primary = |l: &str| l.split('-').next().unwrap_or_default().to_ascii_lowercase();
        self.locales
            .iter()
            .position(|l| l.eq_ignore_ascii_case(&requested))
            .or_else(|| self.locales.iter().position(|l| primary(l) == primary(&requested)))
            .unwrap_or(0)
    }

    /// Whether language `index` itself has message `key`.
    pub fn has(&self, index: usize, key: &str) -> bool {
        self.bundles.get(index).is_some_and(|b| b.has_message(key))
    }

    /// Message `key` in language `index` (else in the fallback) with `args`; `None` if neither
    /// has it.
    pub fn format(&self, index: usize, key: &str, args: &[(&str, FluentValue<'_>)]) -> Option<String> {
        let mut fluent_args = FluentArgs::new();
        for (name, value) in args {
            fluent_args.set(name.to_string(), value.clone());
        }
        [index, 0].into_iter().find_map(|i| {
            let bundle = self.bundles.get(i)?;
            let pattern = bundle.get_message(key)?.value()?;
            let mut errors = Vec::new();
            Some(bundle.format_pattern(pattern, Some(&fluent_args), &mut errors).into_owned())
        })
    }
}

impl Catalogue {
    /// Message `key` in language `index` only, with every variable it names given; `None` when
    /// that language lacks it or a variable is missing (an old record without its values).
    pub fn format_exact(&self, index: usize, key: &str, args: &[(&str, FluentValue<'_>)]) -> Option<String> {
        let mut fluent_args = FluentArgs::new();
        for (name, value) in args {
            fluent_args.set(name.to_string(), value.clone());
        }
        let bundle = self.bundles.get(index)?;
        let pattern = bundle.get_message(key)?.value()?;
        let mut errors = Vec::new();
        let text = bundle.format_pattern(pattern, Some(&fluent_args), &mut errors).into_owned();
        errors.is_empty().then_some(text)
    }
}

/// A text value for a message, always text: a buyer called "Nan" stays "Nan".
pub fn text(value: &str) -> FluentValue<'_> {
    FluentValue::String(value.into())
}

/// A number for a message, so plural forms apply.
pub fn number(value: i64) -> FluentValue<'static> {
    FluentValue::from(value)
}
