//! The interview room: starting, answering, pausing, ending, the whiteboard and exports.

use mockint_domain::ipc::*;

use crate::dialogs;
use crate::ipc::{handlers, send_token, OrIpc as _};
use crate::managers::VideoManager;

handlers! {
    StartInterview => |ctx, args| ctx.app()?.open_interview(mockint_app::InterviewRequest::from(args)).await.or_ipc();
    SendMessage => |ctx, args| {
        let tokens = ctx.channel::<TokenEvent>(args.tokens.as_ref())?;
        let sink = |piece: &str| send_token(tokens.as_ref(), args.session_id, piece);
        let app = ctx.app()?;
        app.take_turn(args.session_id, &args.text, mockint_domain::TurnSource::Text, Some(&sink)).await.or_ipc()
    };
    PauseSession => |ctx, args| ctx.app()?.sessions.pause(args.session_id).await.or_ipc();
    ResumeSession => |ctx, args| ctx.app()?.sessions.resume(args.session_id).await.or_ipc();
    EndSession => |ctx, args| {
        // A video still recording belongs to the interview: finish and store it first.
        if let Err(error) = ctx.manager::<VideoManager>().finish(ctx.app().ok()).await {
            tracing::warn!(%error, operation = "finish_video", "the video could not be finished");
        }
        ctx.app()?.sessions.end(args.session_id).await.or_ipc()
    };
    GetSessionDetail => |ctx, args| ctx.app()?.session_detail(args.session_id).await.or_ipc();
    AppendBoardOps => |ctx, args| ctx.app()?.whiteboards.append(args.session_id, &args.entries).await.or_ipc();
    SaveSnapshot => |ctx, args| ctx.app()?.save_snapshot_base64(args.session_id, &args.png_base64).await.or_ipc();
    GetSnapshotImages => |ctx, args| ctx.app()?.snapshot_images(args.session_id).await.or_ipc();
    GetReplay => |ctx, args| ctx.app()?.replay_timeline(args.session_id).await.or_ipc();
    ExportTranscript => |ctx, args| {
        let document = ctx.app()?.transcript_document(args.session_id, args.format).await.or_ipc()?;
        dialogs::save_text(&ctx.handle, &document.file_name, &document.content).await
    };
    ExportBoard => |ctx, args| {
        let file = ctx.app()?.board_document(args.session_id, args.format, args.png.as_deref()).await.or_ipc()?;
        dialogs::save_bytes(&ctx.handle, &file.file_name, &file.bytes).await
    };
    ExportReplay => |ctx, args| {
        let file = ctx.app()?.replay_document(args.session_id).await.or_ipc()?;
        dialogs::save_bytes(&ctx.handle, &file.file_name, &file.bytes).await
    };
    ExportReport => |ctx, args| {
        let document = ctx.app()?.report_document(args.session_id, args.format).await.or_ipc()?;
        dialogs::save_text(&ctx.handle, &document.file_name, &document.content).await
    };
}
