//! The backend, typed by the one command list in `mockint_domain::ipc`: `call::<SendMessage>(args)`
//! invokes a command with its argument type and decodes its answer; [`listen`] follows an
//! event; [`Channel`] receives a long stream (interviewer tokens, download progress) meant
//! for this window only. Every failure is an [`IpcError`] with a message a person can act on.

use mockint_domain::ipc::{ChannelRef, Command, Event, IpcError, IpcErrorKind};
use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = ["window", "__TAURI__", "core"], js_name = invoke, catch)]
    async fn tauri_invoke(command: &str, args: JsValue) -> Result<JsValue, JsValue>;

    #[wasm_bindgen(js_namespace = ["window", "__TAURI__", "event"], js_name = listen, catch)]
    async fn tauri_listen(
        event: &str,
        handler: &Closure<dyn FnMut(JsValue)>,
    ) -> Result<JsValue, JsValue>;

    #[wasm_bindgen(js_namespace = ["window", "__TAURI__", "core"], js_name = Channel)]
    type TauriChannel;

    #[wasm_bindgen(constructor, js_namespace = ["window", "__TAURI__", "core"], js_class = "Channel")]
    fn new() -> TauriChannel;

    #[wasm_bindgen(method, setter = onmessage)]
    fn set_onmessage(this: &TauriChannel, handler: &Closure<dyn FnMut(JsValue)>);

    #[wasm_bindgen(method, getter)]
    fn id(this: &TauriChannel) -> u32;

    #[wasm_bindgen(js_namespace = ["window", "__TAURI__", "core"], js_name = convertFileSrc, catch)]
    fn convert_file_src(path: &str, protocol: &str) -> Result<JsValue, JsValue>;
}

/// Where the app serves a stored recording (`media://localhost/<path>`, as the platform
/// spells it), for a path relative to the data directory.
fn media_url(path: &str) -> String {
    convert_file_src(path, "media")
        .ok()
        .and_then(|url| url.as_string())
        .unwrap_or_else(|| format!("media://localhost/{}", js_sys::encode_uri_component(path)))
}

/// A stored recording as a `blob:` URL the page's players can open. (WebKitGTK's media
/// player cannot read from an app's own URL scheme, so the page fetches the file from it and
/// plays the bytes; revoke the URL with `web_sys::Url::revoke_object_url` when done.)
pub async fn media_blob_url(path: &str) -> Result<String, IpcError> {
    let failed = |what: &str| IpcError::new(IpcErrorKind::Unavailable, format!("{what} {path}"));
    let window = web_sys::window().ok_or_else(|| failed("no window to load"))?;
    let answer = wasm_bindgen_futures::JsFuture::from(window.fetch_with_str(&media_url(path)))
        .await
        .map_err(|_| failed("could not load"))?;
    let response: web_sys::Response = answer.dyn_into().map_err(|_| failed("could not load"))?;
    if !response.ok() {
        return Err(failed(&format!("{} for", response.status())));
    }
    let blob = response.blob().map_err(|_| failed("could not read"))?;
    let blob: web_sys::Blob = wasm_bindgen_futures::JsFuture::from(blob)
        .await
        .map_err(|_| failed("could not read"))?
        .dyn_into()
        .map_err(|_| failed("could not read"))?;
    web_sys::Url::create_object_url_with_blob(&blob).map_err(|_| failed("could not open"))
}

#[derive(Serialize)]
struct Wrapped<'a, T> {
    args: &'a T,
}

/// Calls command `C` with its arguments and decodes its answer.
pub async fn call<C: Command>(args: C::Args) -> Result<C::Output, IpcError> {
    let serializer = serde_wasm_bindgen::Serializer::json_compatible();
    let encoded = Wrapped { args: &args }
        .serialize(&serializer)
        .map_err(|error| {
            IpcError::new(
                IpcErrorKind::Invalid,
                format!("cannot encode the arguments of {}: {error}", C::NAME),
            )
        })?;
    let value = tauri_invoke(C::NAME, encoded)
        .await
        .map_err(|error| describe(&error))?;
    serde_wasm_bindgen::from_value(value).map_err(|error| {
        IpcError::new(
            IpcErrorKind::Internal,
            format!("unexpected answer from {}: {error}", C::NAME),
        )
    })
}

/// The backend's error, whatever shape it arrived in.
fn describe(error: &JsValue) -> IpcError {
    if let Ok(known) = serde_wasm_bindgen::from_value::<IpcError>(error.clone()) {
        return known;
    }
    let text = error
        .as_string()
        .or_else(|| {
            js_sys::JSON::stringify(error)
                .ok()
                .and_then(|s| s.as_string())
        })
        .unwrap_or_else(|| "the backend could not be reached".to_string());
    IpcError::new(IpcErrorKind::Internal, text)
}

/// Calls `on_event` with every payload of event `E`, for the life of the app.
pub async fn listen<E: Event>(on_event: impl Fn(E::Payload) + 'static) -> Result<(), IpcError> {
    let handler = Closure::<dyn FnMut(JsValue)>::new(move |raw: JsValue| {
        let payload =
            js_sys::Reflect::get(&raw, &JsValue::from_str("payload")).unwrap_or(JsValue::NULL);
        if let Ok(value) = serde_wasm_bindgen::from_value::<E::Payload>(payload) {
            on_event(value);
        }
    });
    tauri_listen(E::NAME, &handler)
        .await
        .map_err(|error| describe(&error))?;
    // The listener lives as long as the app.
    handler.forget();
    Ok(())
}

/// A stream from the backend to this window: pass [`Channel::reference`] in a command's
/// arguments; every message decoding as `T` goes to the handler. Dropping the channel stops
/// delivery.
pub struct Channel {
    channel: TauriChannel,
    _handler: Closure<dyn FnMut(JsValue)>,
}

impl Channel {
    /// Opens a channel whose messages go to `on_message`.
    pub fn open<T: DeserializeOwned + 'static>(on_message: impl Fn(T) + 'static) -> Self {
        let channel = TauriChannel::new();
        let handler = Closure::<dyn FnMut(JsValue)>::new(move |raw: JsValue| {
            if let Ok(value) = serde_wasm_bindgen::from_value::<T>(raw) {
                on_message(value);
            }
        });
        channel.set_onmessage(&handler);
        Self {
            channel,
            _handler: handler,
        }
    }

    /// The reference a command argument carries.
    pub fn reference(&self) -> ChannelRef {
        ChannelRef(format!("__CHANNEL__:{}", self.channel.id()))
    }
}
