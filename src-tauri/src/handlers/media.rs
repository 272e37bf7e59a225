//! Voice, speech model, screen share, video and the spoken interviewer.

use mockint_domain::ipc::*;

use crate::ipc::{handlers, OrIpc as _};
use crate::managers::{ScreenManager, SpeakerManager, VideoManager, VoiceManager};

handlers! {
    PrepareSpeech => |ctx, args| {
        let progress = ctx.channel::<SpeechProgress>(args.progress.as_ref())?;
        let report = move |step: SpeechProgress| {
            if let Some(channel) = &progress {
                let _ = channel.send(step);
            }
        };
        ctx.app()?.speech.prepare(report).await.or_ipc()
    };
    CancelSpeechDownload => |ctx, _| {
        ctx.app()?.speech.cancel();
        Ok(())
    };
    StartVoice => |ctx, args| {
        let tokens = ctx.channel::<TokenEvent>(args.tokens.as_ref())?;
        let speaking = ctx.manager::<SpeakerManager>().speaking();
        let voice = ctx.manager::<VoiceManager>();
        voice.start(ctx.handle.clone(), ctx.app()?, args.session_id, args.device, tokens, speaking).await
    };
    ListAudioDevices => |_, _| tauri::async_runtime::spawn_blocking(mockint_media::audio::input_devices).await.map_err(crate::ipc::internal);
    StopVoice => |ctx, _| {
        ctx.manager::<VoiceManager>().stop().await;
        Ok(())
    };
    StartScreenShare => |ctx, args| ctx.manager::<ScreenManager>().start(ctx.app()?, args.session_id);
    StopScreenShare => |ctx, _| {
        ctx.manager::<ScreenManager>().stop().await;
        Ok(())
    };
    StartVideo => |ctx, args| ctx.manager::<VideoManager>().start(&*ctx.app()?, args.session_id, args.source).await;
    StopVideo => |ctx, _| ctx.manager::<VideoManager>().finish(ctx.app().ok()).await;
    GetSpeechStatus => |ctx, _| ctx.manager::<SpeakerManager>().status().await;
    Speak => |ctx, args| ctx.manager::<SpeakerManager>().speak(&args.text);
    StopSpeaking => |ctx, _| ctx.manager::<SpeakerManager>().stop();
}
