using PacSpace.Hosting.Data;
using PacSpace.Hosting.Errors;

namespace PacSpace.ControlPlane.Features.Auth;

/// <summary>The signed-in user with their tenant.</summary>
internal sealed class GetMe(Database db)
{
    public async Task<Result<MeView>> HandleAsync(Actor actor, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return await UserStore.LoadMeAsync(connection, actor.UserId!, ct) is { } me ? me : Error.NotFound("user");
    }
}
