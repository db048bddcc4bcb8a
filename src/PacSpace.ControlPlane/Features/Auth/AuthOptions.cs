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

    /// <summary>Failed logins for one e-mail address (from browsers it has not signed in from) before each further attempt waits.</summary>
    [Range(1, 100)]
    public int LoginFreeFailures { get; set; } = 5;

    /// <summary>Failed logins from one client address, whatever the e-mail, before each further attempt waits.</summary>
    [Range(1, 10000)]
    public int LoginFreeFailuresPerClient { get; set; } = 20;

    /// <summary>The first wait after the free failures; it doubles with each further failure.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan LoginDelayBase { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait between two attempts.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan LoginDelayCap { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>A key's failures are forgotten after this long without a new one.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "30.00:00:00")]
    public TimeSpan LoginFailureMemory { get; set; } = TimeSpan.FromHours(24);

    [Range(typeof(TimeSpan), "00:05:00", "1.00:00:00")]
    public TimeSpan PasswordResetTokenLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Name of the long-lived cookie that marks a browser its owner has signed in from (exempt from other browsers' failures).</summary>
    public string DeviceCookieName { get; set; } = "pacspace_device";

    /// <summary>Login attempts (API and form POSTs; page views do not count) allowed per client IP per minute, whatever the account.</summary>
    [Range(1, 100000)]
    public int LoginRequestsPerMinutePerIp { get; set; } = 30;

    public string CookieName { get; set; } = "pacspace_session";
}
