using System;
using System.Globalization;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using Outpost.Core.Protocol;

namespace Outpost.Core.Trust
{
    /// <summary>
    /// The signature of one job, kept in the sidecar <c>inbox/&lt;N&gt;/&lt;stem&gt;.&lt;ext&gt;.sig</c>, written before
    /// the job file. A v1 responder never takes a two-dot name as a job, so a signed job runs there
    /// unchanged. It covers everything that decides what runs: stem, lane, extension and the exact
    /// content (which carries the timeout header, environment and working directory), plus the time, and
    /// (version 2) the target it was made for: the responder's name, so a copy dropped into another share
    /// served by another responder that trusts the same key is refused there.
    /// </summary>
    public sealed class JobSignature
    {
        public const string Suffix = ".sig";

        public string KeyId { get; set; } = "";
        public DateTime SignedAt { get; set; }
        public string Stem { get; set; } = "";
        public int Lane { get; set; }
        public string Extension { get; set; } = "";
        /// <summary>The responder name the job was signed for (version 2); empty in a version 1 signature.</summary>
        public string Target { get; set; } = "";
        public string ContentSha256 { get; set; } = "";
        public byte[] Signature { get; set; } = Array.Empty<byte>();

        public static JobSignature Create(OutpostKey key, string stem, int lane, string extension, byte[] content, DateTime nowUtc, string target = "")
        {
            var signature = new JobSignature
            {
                KeyId = key.KeyId,
                SignedAt = nowUtc,
                Stem = stem,
                Lane = lane,
                Extension = extension,
                Target = target,
                ContentSha256 = Sha256Hex(content),
            };
            signature.Signature = key.Sign(signature.Payload());
            return signature;
        }

        /// <summary>The exact bytes signed: a fixed text, so both sides build the same thing.</summary>
        public byte[] Payload() => Encoding.UTF8.GetBytes(Target.Length == 0
            ? "outpost-job-signature-v1\n" +
              $"stem={Stem}\nlane={Lane.ToString(CultureInfo.InvariantCulture)}\next={Extension}\n" +
              $"content_sha256={ContentSha256}\nsigned_at={ProtocolTime.ToWire(SignedAt)}\n"
            : "outpost-job-signature-v2\n" +
              $"target={Target}\nstem={Stem}\nlane={Lane.ToString(CultureInfo.InvariantCulture)}\next={Extension}\n" +
              $"content_sha256={ContentSha256}\nsigned_at={ProtocolTime.ToWire(SignedAt)}\n");

        public KeyValueFile ToKeyValues()
        {
            var kv = new KeyValueFile().Add("version", Target.Length == 0 ? "1" : "2");
            if (Target.Length > 0) kv.Add("target", Target);
            return kv
            .Add("key_id", KeyId)
            .Add("signed_at", ProtocolTime.ToWire(SignedAt))
            .Add("stem", Stem)
            .Add("lane", Lane.ToString(CultureInfo.InvariantCulture))
            .Add("ext", Extension)
            .Add("content_sha256", ContentSha256)
            .Add("signature", Convert.ToBase64String(Signature));
        }

        public static JobSignature Parse(byte[] bytes)
        {
            var kv = KeyValueFile.Parse(bytes, "signature");
            if (kv["version"] != "1" && kv["version"] != "2") throw new FormatException($"unknown signature version \"{kv["version"]}\"");
            if (kv["version"] == "2" && string.IsNullOrEmpty(kv["target"])) throw new FormatException("a version 2 signature names its target");
            return new JobSignature
            {
                KeyId = kv["key_id"] ?? "",
                SignedAt = ProtocolTime.Parse(kv["signed_at"]) ?? throw new FormatException("signed_at is missing"),
                Stem = kv["stem"] ?? "",
                Lane = int.Parse(kv["lane"] ?? "", CultureInfo.InvariantCulture),
                Extension = kv["ext"] ?? "",
                Target = kv["version"] == "2" ? kv["target"] ?? "" : "",
                ContentSha256 = kv["content_sha256"] ?? "",
                Signature = Convert.FromBase64String(kv["signature"] ?? ""),
            };
        }

        public static string Sha256Hex(byte[] content)
        {
            using var sha = SHA256.Create();
            return string.Concat(sha.ComputeHash(content).Select(b => b.ToString("x2", CultureInfo.InvariantCulture)));
        }
    }
}
