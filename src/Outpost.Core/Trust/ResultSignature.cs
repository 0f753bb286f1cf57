using System;
using System.Globalization;
using System.Text;
using Outpost.Core.Protocol;

namespace Outpost.Core.Trust
{
    /// <summary>
    /// A responder's signature over one result, in the additive sidecar <c>outbox/&lt;N&gt;/&lt;stem&gt;.result.sig</c>,
    /// written before the .result. It covers the exact .result bytes (exit code, flags, times) and the
    /// SHA-256 of .stdout and .stderr, and names the responder, so a submitter that pinned the responder's
    /// key knows the result came from it and was not planted or edited in the share. A v1 submitter never
    /// looks at the sidecar.
    /// </summary>
    public sealed class ResultSignature
    {
        public const string Suffix = ".sig";

        public string KeyId { get; set; } = "";
        public string Responder { get; set; } = "";
        public string Stem { get; set; } = "";
        public int Lane { get; set; }
        public string ResultSha256 { get; set; } = "";
        public string StdoutSha256 { get; set; } = "";
        public string StderrSha256 { get; set; } = "";
        public byte[] Signature { get; set; } = Array.Empty<byte>();

        public static ResultSignature Create(OutpostKey key, string responder, string stem, int lane, byte[] result, string stdoutSha256, string stderrSha256)
        {
            var signature = new ResultSignature
            {
                KeyId = key.KeyId,
                Responder = responder,
                Stem = stem,
                Lane = lane,
                ResultSha256 = JobSignature.Sha256Hex(result),
                StdoutSha256 = stdoutSha256,
                StderrSha256 = stderrSha256,
            };
            signature.Signature = key.Sign(signature.Payload());
            return signature;
        }

        /// <summary>The exact bytes signed.</summary>
        public byte[] Payload() => Encoding.UTF8.GetBytes(
            "outpost-result-signature-v1\n" +
            $"responder={Responder}\nstem={Stem}\nlane={Lane.ToString(CultureInfo.InvariantCulture)}\n" +
            $"result_sha256={ResultSha256}\nstdout_sha256={StdoutSha256}\nstderr_sha256={StderrSha256}\n");

        public KeyValueFile ToKeyValues() => new KeyValueFile()
            .Add("version", "1")
            .Add("key_id", KeyId)
            .Add("responder", Responder)
            .Add("stem", Stem)
            .Add("lane", Lane.ToString(CultureInfo.InvariantCulture))
            .Add("result_sha256", ResultSha256)
            .Add("stdout_sha256", StdoutSha256)
            .Add("stderr_sha256", StderrSha256)
            .Add("signature", Convert.ToBase64String(Signature));

        public static ResultSignature Parse(byte[] bytes)
        {
            var kv = KeyValueFile.Parse(bytes, "result signature");
            if (kv["version"] != "1") throw new FormatException($"unknown result signature version \"{kv["version"]}\"");
            return new ResultSignature
            {
                KeyId = kv["key_id"] ?? "",
                Responder = kv["responder"] ?? "",
                Stem = kv["stem"] ?? "",
                Lane = int.Parse(kv["lane"] ?? "", NumberStyles.None, CultureInfo.InvariantCulture),
                ResultSha256 = kv["result_sha256"] ?? "",
                StdoutSha256 = kv["stdout_sha256"] ?? "",
                StderrSha256 = kv["stderr_sha256"] ?? "",
                Signature = Convert.FromBase64String(kv["signature"] ?? ""),
            };
        }

        /// <summary>SHA-256 of a stream, read once in blocks (outputs may be large).</summary>
        public static string Sha256Hex(System.IO.Stream? stream)
        {
            if (stream is null) return JobSignature.Sha256Hex(Array.Empty<byte>());
            using var sha = System.Security.Cryptography.SHA256.Create();
            var hash = sha.ComputeHash(stream);
            var text = new StringBuilder(64);
            foreach (byte b in hash) text.Append(b.ToString("x2", CultureInfo.InvariantCulture));
            return text.ToString();
        }

        /// <summary>Null when the result verifies against the pinned key; otherwise why not.</summary>
        public static string? Check(OutpostKey pinned, byte[]? signatureFile, string stem, int lane, byte[] result, string stdoutSha256, string stderrSha256)
        {
            if (signatureFile is null) return "the result is not signed, but this target's responder key is pinned (responder_key in targets.toml)";
            ResultSignature signature;
            try { signature = Parse(signatureFile); }
            catch (Exception e) when (e is FormatException || e is OverflowException) { return "the result's signature is not valid: " + e.Message; }
            if (signature.KeyId != pinned.KeyId) return $"the result is signed by key {signature.KeyId}, not by the pinned responder key {pinned.KeyId}";
            if (!pinned.Verify(signature.Payload(), signature.Signature)) return "the result's signature does not verify";
            if (signature.Stem != stem || signature.Lane != lane) return "the signature was made for another job's result (copied)";
            if (signature.ResultSha256 != JobSignature.Sha256Hex(result)) return "the .result file does not match its signature (edited or planted)";
            if (signature.StdoutSha256 != stdoutSha256) return "the .stdout file does not match the result's signature";
            if (signature.StderrSha256 != stderrSha256) return "the .stderr file does not match the result's signature";
            return null;
        }
    }
}
