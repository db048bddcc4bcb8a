using PacSpace.Contracts.Keys;
using PacSpace.Hosting.Data;
using PacSpace.Hosting.Errors;
using Microsoft.Extensions.Options;
using PacSpace.Ledger;

namespace PacSpace.Plane.Features.Keys;

/// <summary>
/// A key's latest state delivered by the control plane (<c>PUT /internal/v1/keys/{publicId}</c>): idempotent and
/// ordered by version, so an older state never overwrites a newer one. The cached entry is dropped at once.
/// </summary>
internal sealed class ApplyKeyState(Database db, KeyStore keys, IOptions<PlaneOptions> options)
{
    public sealed record Input(string PublicId, KeyStateMessage? State);

    public sealed record Output(string PublicId, long Version, bool Applied);

    public async Task<Result<Output>> HandleAsync(Input input, CancellationToken ct)
    {
        if (Validate(input.PublicId, input.State, options.Value) is { } invalid)
        {
            return invalid;
        }

        await using var connection = await db.OpenAsync(ct);
        var applied = await keys.ApplyAsync(connection, input.State!, ct);
        keys.Invalidate(input.PublicId);
        return new Output(input.PublicId, input.State!.Version, applied);
    }

    public static Error? Validate(string publicId, KeyStateMessage? s, PlaneOptions plane)
    {
        if (s is null)
        {
            return Error.Validation("body", "must be a key state object");
        }

        var errors = new List<ErrorDetail>();
        if (!ApiKeyFormat.IsPublicId(publicId) || s.PublicId != publicId)
        {
            errors.Add(new ErrorDetail("publicId", "must be 20 base62 characters and match the route"));
        }

        if (!Ids.IsValid(s.KeyId, "key"))
        {
            errors.Add(new ErrorDetail("keyId", "must be a key id (key_…)"));
        }

        if (!Ids.IsValid(s.TenantId, "tnt"))
        {
            errors.Add(new ErrorDetail("tenantId", "must be a tenant id (tnt_…)"));
        }

        if (s.SecretHash is null || s.SecretHash.Length != 64 || !s.SecretHash.All(char.IsAsciiHexDigitLower))
        {
            errors.Add(new ErrorDetail("secretHash", "must be 64 lowercase hex digits (SHA-256)"));
        }

        if (s.State is not (KeyStates.Active or KeyStates.Disabled or KeyStates.Revoked))
        {
            errors.Add(new ErrorDetail("state", "must be one of active, disabled, revoked"));
        }

        if (string.IsNullOrEmpty(s.Plan) || s.Version < 1)
        {
            errors.Add(new ErrorDetail(string.IsNullOrEmpty(s.Plan) ? "plan" : "version", "is required"));
        }

        if (errors.Count > 0)
        {
            return Error.Validation(errors);
        }

        // The other environment's keys are never stored here.
        return s.Environment == plane.Environment.KeyName()
            ? null
            : new Error(403, ErrorCodes.ApiKeyEnvironmentHostMismatch, $"This is the {plane.EnvironmentName} plane; it holds only {plane.Environment.KeyName()} keys.");
    }
}
