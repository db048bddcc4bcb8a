namespace PacSpace.ControlPlane.Features.Auth;

/// <summary>Ends the actor's server-side session, so its cookie and its JWT stop working together.</summary>
internal sealed class LogOut(SessionStore sessions, TimeProvider time)
{
    public sealed record Input(string SessionId);

    public Task HandleAsync(Actor actor, Input input, CancellationToken ct) =>
        sessions.EndAsync(input.SessionId, actor.UserId!, time.GetUtcNow().ToUnixTimeMilliseconds(), ct);
}
