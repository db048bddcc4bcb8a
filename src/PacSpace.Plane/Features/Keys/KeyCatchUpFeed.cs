using System.Data.Common;
using Microsoft.Extensions.Options;
using PacSpace.Contracts.Keys;
using PacSpace.Plane.Sync;

namespace PacSpace.Plane.Features.Keys;

/// <summary>Key states the control plane could not deliver while this plane was down.</summary>
internal sealed class KeyCatchUpFeed(KeyStore keys, IOptions<PlaneOptions> options) : CatchUpFeed<KeyStateMessage>
{
    public override string Name => "key changes";

    public override string Route => "keys";

    public override string Environment => options.Value.Environment.KeyName();

    protected override async Task<bool> ApplyAsync(DbConnection connection, KeyStateMessage state, CancellationToken cancellationToken)
    {
        if (ApplyKeyState.Validate(state.PublicId, state, options.Value) is not null || !await keys.ApplyAsync(connection, state, cancellationToken))
        {
            return false;
        }

        keys.Invalidate(state.PublicId);
        return true;
    }
}
