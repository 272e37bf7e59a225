//! The start page, the setup page, diagnostics and history.

use mockint_domain::ipc::*;

use crate::dialogs;
use crate::ipc::{handlers, OrIpc as _};
use crate::state::AppState;

handlers! {
    GetAppInfo => |ctx, _| Ok(ctx.manager::<AppState>().info());
    GetDiagnostics => |ctx, _| Ok(mockint_app::diagnostics::gather(&*ctx.app()?).await);
    GetSetupInfo => |ctx, _| ctx.app()?.setup_info().await.or_ipc();
    ConnectCompatible => |ctx, args| connect(ctx, args).await;
    GetActiveSession => |ctx, _| ctx.app()?.sessions.active().await.or_ipc();
    PickResume => |ctx, _| pick_resume(ctx).await;
    SaveResume => |ctx, resume| ctx.app()?.save_local_resume(resume).await.or_ipc();
    ListSessions => |ctx, args| ctx.app()?.session_page(args.limit, args.offset).await.or_ipc();
    GetProgress => |ctx, _| ctx.app()?.sessions.progress(50).await.or_ipc();
    DeleteSession => |ctx, args| ctx.app()?.delete_session(args.session_id).await.or_ipc();
}

/// Connects to an OpenAI-compatible server, after the person confirmed a server they have
/// not used before.
async fn connect(
    ctx: crate::ipc::Ctx,
    args: CompatibleRequest,
) -> Result<CompatibleServerView, IpcError> {
    let app = ctx.app()?;
    let url = mockint_app::compatible::validate_url(&args.url).or_ipc()?;
    let previous = app.compatible_server().map(|server| server.url);
    if previous.as_deref() != Some(url.as_str())
        && !dialogs::confirm_new_server(&ctx.handle, &url, previous.as_deref()).await
    {
        return Err(IpcError::new(IpcErrorKind::Cancelled, "you cancelled"));
    }
    let (server, models) = app
        .connect_compatible(&url, args.model.as_deref())
        .await
        .or_ipc()?;
    Ok(CompatibleServerView {
        url: server.url,
        model: server.model,
        models,
    })
}

/// Asks for a resume file and reads it (None when the dialog was cancelled).
async fn pick_resume(ctx: crate::ipc::Ctx) -> Result<Option<mockint_domain::ResumeData>, IpcError> {
    let app = ctx.app()?;
    let Some(path) = dialogs::pick_resume(&ctx.handle).await else {
        return Ok(None);
    };
    let provider = app.settings.config.ai.default_provider.clone();
    let (resume, _usage) =
        mockint_app::read_resume_with(&app.settings, &app.providers, &path, &provider)
            .await
            .or_ipc()?;
    Ok(Some(resume))
}
