using System;

namespace Outpost.Core.Protocol
{
    /// <summary>
    /// Makes stems that never repeat within a process: when the clock has not moved past the last
    /// stem's microsecond (a burst, a coarse clock, a clock step backwards) it uses last + 1 µs.
    /// </summary>
    public sealed class StemGenerator
    {
        public static readonly StemGenerator Shared = new StemGenerator();

        private readonly object _gate = new object();
        private readonly Func<DateTime> _clock;
        private long _lastMicros;

        public StemGenerator() : this(() => DateTime.UtcNow) { }

        public StemGenerator(Func<DateTime> clock) => _clock = clock;

        public Stem Next(string label)
        {
            long micros;
            lock (_gate)
            {
                micros = _clock().ToUniversalTime().Ticks / 10;
                if (micros <= _lastMicros) micros = _lastMicros + 1;
                _lastMicros = micros;
            }
            return Stem.Create(new DateTime(micros * 10, DateTimeKind.Utc), label);
        }
    }
}
