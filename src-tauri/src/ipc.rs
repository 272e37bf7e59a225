//! The command dispatcher, generated from the one command list in `mockint_domain::ipc`: a call
//! arrives with its name and `{"args": …}`, is decoded into the command's argument type,
//! handled by its [`Handle`] implementation, and answered with the command's output or an
//! [`IpcError`]. (Tauri's access control has already checked the command against the
//! capability file before this runs.)

use std::future::Future;
use std::sync::Arc;

use mockint_domain::ipc::{ChannelRef, Command, IpcError, IpcErrorKind, TokenEvent};
use mockint_domain::SessionId;
use tauri::ipc::{
    Channel, Invoke, InvokeBody, InvokeError, InvokeResponseBody, JavaScriptChannelId,
};
use tauri::{AppHandle, Manager as _, Webview};

use crate::state::AppState;

/// A command's behaviour in the shell.
pub trait Handle: Command {
    /// Runs the command.
    fn handle(
        ctx: Ctx,
        args: Self::Args,
    ) -> impl Future<Output = Result<Self::Output, IpcError>> + Send;
}

/// What a command can reach: the app, the managers and the window that called.
#[derive(Clone)]
pub struct Ctx {
    /// The running app.
    pub handle: AppHandle,
    webview: Webview,
}

impl Ctx {
    /// The assembled app, or why it did not start.
    pub fn app(&self) -> Result<Arc<mockint_app::App>, IpcError> {
        self.handle.state::<Arc<AppState>>().app()
    }

    /// A manager registered at start-up.
    pub fn manager<T: Send + Sync + 'static>(&self) -> Arc<T> {
        Arc::clone(self.handle.state::<Arc<T>>().inner())
    }

    /// The channel the calling window opened (None when it opened none).
    pub fn channel<T: tauri::ipc::IpcResponse>(
        &self,
        reference: Option<&ChannelRef>,
    ) -> Result<Option<Channel<T>>, IpcError> {
        let Some(reference) = reference else {
            return Ok(None);
        };
        let id: JavaScriptChannelId = reference.0.parse().map_err(|error: &str| {
            IpcError::new(IpcErrorKind::Invalid, format!("not a channel: {error}"))
        })?;
        Ok(Some(id.channel_on(self.webview.clone())))
    }
}

macro_rules! dispatch {
    ($($command:ty),* $(,)?) => {
        /// Routes a call to its command's handler; false for a name no command has.
        pub fn handler(invoke: Invoke) -> bool {
            let name = invoke.message.command().to_string();
            $(
                if name == <$command as Command>::NAME {
                    run::<$command>(invoke);
                    return true;
                }
            )*
            false
        }
    };
}

mockint_domain::with_commands! {dispatch}

/// Decodes the arguments, runs the handler off the IPC thread and answers.
fn run<C: Handle>(invoke: Invoke) {
    let ctx = Ctx {
        handle: invoke.message.webview().app_handle().clone(),
        webview: invoke.message.webview(),
    };
    let args = decode::<C::Args>(C::NAME, invoke.message.payload());
    invoke.resolver.respond_async_serialized(async move {
        let output = C::handle(ctx, args.map_err(refuse)?)
            .await
            .map_err(refuse)?;
        serde_json::to_string(&output)
            .map(InvokeResponseBody::Json)
            .map_err(|error| refuse(internal(error)))
    });
}

fn decode<T: serde::de::DeserializeOwned>(name: &str, payload: &InvokeBody) -> Result<T, IpcError> {
    let value = match payload {
        InvokeBody::Json(value) => value
            .get("args")
            .cloned()
            .unwrap_or(serde_json::Value::Null),
        InvokeBody::Raw(_) => serde_json::Value::Null,
    };
    let value = if value.is_null() {
        serde_json::json!({})
    } else {
        value
    };
    serde_json::from_value(value).map_err(|error| {
        IpcError::new(
            IpcErrorKind::Invalid,
            format!("the arguments of {name} are not valid: {error}"),
        )
    })
}

fn refuse(error: IpcError) -> InvokeError {
    InvokeError::from(error)
}

/// An internal failure.
pub fn internal(error: impl std::fmt::Display) -> IpcError {
    IpcError::new(IpcErrorKind::Internal, error.to_string())
}

/// A device, model or service that cannot be used now.
pub fn unavailable(error: impl std::fmt::Display) -> IpcError {
    IpcError::new(IpcErrorKind::Unavailable, error.to_string())
}

/// Sends a piece of the interviewer's reply to the channel that asked for it (a window that
/// went away is not an error: the reply is stored and shown on its next load).
pub fn send_token(channel: Option<&Channel<TokenEvent>>, session_id: SessionId, text: &str) {
    if let Some(channel) = channel {
        let _ = channel.send(TokenEvent {
            session_id,
            text: text.to_string(),
        });
    }
}

/// Declares handlers as one-line bodies: `Command => |ctx, args| expression;`.
macro_rules! handlers {
    ($($command:ty => |$ctx:pat_param, $args:pat_param| $body:expr;)*) => {
        $(
            impl $crate::ipc::Handle for $command {
                async fn handle(
                    $ctx: $crate::ipc::Ctx,
                    $args: <$command as mockint_domain::ipc::Command>::Args,
                ) -> Result<<$command as mockint_domain::ipc::Command>::Output, mockint_domain::ipc::IpcError> {
                    $body
                }
            }
        )*
    };
}
pub(crate) use handlers;

/// A failure of the app's services, with its kind.
pub fn failure(error: mockint_app::AppError) -> IpcError {
    use mockint_core::{CoreError, StoreError};
    let kind = match &error {
        mockint_app::AppError::Core(CoreError::SessionNotFound(_)) => IpcErrorKind::NotFound,
        mockint_app::AppError::Core(CoreError::InvalidTransition { .. }) => IpcErrorKind::Conflict,
        mockint_app::AppError::Core(CoreError::Store(StoreError::Unavailable(_))) => {
            IpcErrorKind::Unavailable
        }
        mockint_app::AppError::Provider(_) => IpcErrorKind::Unavailable,
        mockint_app::AppError::Internal(_) => IpcErrorKind::Internal,
        mockint_app::AppError::Invalid(_) => IpcErrorKind::Invalid,
        other if other.is_user_error() => IpcErrorKind::Invalid,
        _ => IpcErrorKind::Internal,
    };
    IpcError::new(kind, error.to_string())
}

/// [`failure`] for anything the app's services return.
pub trait OrIpc<T> {
    /// Maps the error to an [`IpcError`].
    fn or_ipc(self) -> Result<T, IpcError>;
}

impl<T, E: Into<mockint_app::AppError>> OrIpc<T> for Result<T, E> {
    fn or_ipc(self) -> Result<T, IpcError> {
        self.map_err(|error| failure(error.into()))
    }
}
