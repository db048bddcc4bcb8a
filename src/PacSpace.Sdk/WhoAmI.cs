namespace PacSpace.Sdk;

/// <summary>Who the API sees: tenant, environment and key id.</summary>
/// <param name="TenantId">The tenant the key belongs to.</param>
/// <param name="Environment"><c>sandbox</c> or <c>production</c>.</param>
/// <param name="KeyId">The key's id (<c>key_…</c>).</param>
public sealed record WhoAmI(string TenantId, string Environment, string KeyId);
