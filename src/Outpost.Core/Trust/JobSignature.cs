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
    /// content (which carries the timeout header, environment and working directory), plus the time.
    /// </summary>
    public sealed class JobSignature
    {
        public const string Suffix = ".sig";

        public string KeyId { get; set; } = "";
        public DateTime SignedAt { get; set; }
        public string Stem { get; set; } = "";
        public int Lane { get; set; }
        public string Extension { get; set; } = "";
        public string ContentSha256 { get; set; } = "";
        public byte[] Signature { get; set; } = Array.Empty<byte>();

        public static JobSignature Create(OutpostKey key, string stem, int lane, string extension, byte[] content, DateTime nowUtc)
        {
            var signature = new JobSignature
            {
                KeyId = key.KeyId,
                SignedAt = nowUtc,
                Stem = stem,
                Lane = lane,
                Extension = extension,
                ContentSha256 = Sha256Hex(content),
            };
            signature.Signature = key.Sign(signature.Payload());
            return signature;
        }

        /// <summary>The exact bytes signed: a fixed text, so both sides build the same thing.</summary>
        public byte[] Payload() => Encoding.UTF8.GetBytes(
            "outpost-job-signature-v1\n" +
            $"stem={Stem}\nlane={Lane.ToString(CultureInfo.InvariantCulture)}\next={Extension}\n" +
            $"content_sha256={ContentSha256}\nsigned_at={ProtocolTime.ToWire(SignedAt)}\n");

        public KeyValueFile ToKeyValues() => new KeyValueFile()
            .Add("version", "1")
            .Add("key_id", KeyId)
            .Add("signed_at", ProtocolTime.ToWire(SignedAt))
            .Add("stem", Stem)
            .Add("lane", Lane.ToString(CultureInfo.InvariantCulture))
            .Add("ext", Extension)
            .Add("content_sha256", ContentSha256)
            .Add("signature", Convert.ToBase64String(Signature));

        public static JobSignature Parse(byte[] bytes)
        {
            var kv = KeyValueFile.Parse(bytes, "signature");
            if (kv["version"] != "1") throw new FormatException($"unknown signature version \"{kv["version"]}\"");
            return new JobSignature
            {
                KeyId = kv["key_id"] ?? "",
                SignedAt = ProtocolTime.Parse(kv["signed_at"]) ?? throw new FormatException("signed_at is missing"),
                Stem = kv["stem"] ?? "",
                Lane = int.Parse(kv["lane"] ?? "", CultureInfo.InvariantCulture),
                Extension = kv["ext"] ?? "",
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
