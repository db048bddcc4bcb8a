using System.ComponentModel.DataAnnotations;

namespace PacSpace.ControlPlane.Features.Auth;

/// <summary>Section <c>Auth</c>.</summary>
public sealed class AuthOptions
{
    /// <summary>Base64 HMAC key for JWTs, at least 32 bytes. <c>pacspace up</c> generates one.</summary>
    [Required]
    public string JwtSigningKey { get; set; } = "";

    [Range(typeof(TimeSpan), "00:01:00", "30.00:00:00")]
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromHours(24);

    public RegistrationMode RegistrationMode { get; set; } = RegistrationMode.Open;

    [Range(typeof(TimeSpan), "00:05:00", "30.00:00:00")]
    public TimeSpan VerificationTokenLifetime { get; set; } = TimeSpan.FromHours(48);

    [Range(typeof(TimeSpan), "00:05:00", "90.00:00:00")]
    public TimeSpan ApprovalTokenLifetime { get; set; } = TimeSpan.FromDays(14);

    /// <summary>Consecutive failed logins on one account before it is locked for <see cref="LockoutDuration"/>.</summary>
    [Range(1, 100)]
    public int LockoutThreshold { get; set; } = 5;

    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan LockoutDuration { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Login attempts (API and form POSTs; page views do not count) allowed per client IP per minute, whatever the account.</summary>
    [Range(1, 100000)]
    public int LoginRequestsPerMinutePerIp { get; set; } = 30;

    public string CookieName { get; set; } = "pacspace_session";
}
