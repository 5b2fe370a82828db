public enum SignalPlaceholder {}
