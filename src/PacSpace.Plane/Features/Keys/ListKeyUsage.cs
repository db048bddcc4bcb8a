using PacSpace.Contracts.Keys;

namespace PacSpace.Plane.Features.Keys;

/// <summary>The usage feed the control plane pulls (<c>GET /internal/v1/keys/usage</c>): keys' last use, in flush order, one page.</summary>
internal sealed class ListKeyUsage(KeyStore keys)
{
    public const int MaxPage = 1000;

    public sealed record Input(long? After, string? AfterId, int? Limit);

    public async Task<KeyUsagePage> HandleAsync(Input input, CancellationToken ct) =>
        new(await keys.UsageAfterAsync(input.After ?? 0, input.AfterId ?? "", Math.Clamp(input.Limit ?? MaxPage, 1, MaxPage), ct));
}
