package duckdb

import (
	"encoding/binary"
	"fmt"
	"io"
	"os"

	flatbuffers "github.com/google/flatbuffers/go"

	"github.com/divergence-research/divergence/data"
)

// arrow-go sizes slices by the vector lengths a file's schema states
// (fields, children, key-value metadata) without checking them against the
// bytes that hold them: a damaged 4 kB file can make it allocate gigabytes
// and end the process (found by FuzzReadIPC), which no recover catches.
// checkIPCSchema walks the schema flatbuffer first and refuses vectors that
// cannot fit in it, and schemas of absurd size. The readers also bound
// each message's metadata and body by the file's size; arrow-go's
// NewReader drops those limits (it builds its message reader without
// them), so streams are read through NewMessageReader.

// Vtable slots of the Arrow IPC flatbuffers tables (format/Message.fbs,
// Schema.fbs, File.fbs): 4 + 2 × the field's index.
const (
	slotMessageHeaderType = 6
	slotMessageHeader     = 8
	slotSchemaFields      = 6
	slotSchemaMetadata    = 8
	slotFieldChildren     = 14
	slotFieldMetadata     = 16
	slotFooterSchema      = 6
	messageHeaderSchema   = 1 // MessageHeader.Schema
	maxIPCFields          = 1 << 16
	maxIPCDepth           = 64
)

// checkIPCSchema checks the schema of the Arrow IPC file or stream f (of
// size bytes) before arrow-go reads it. It may panic on bytes it cannot
// index (the caller recovers, see ipcPanic).
func checkIPCSchema(path string, f *os.File, size int64) error {
	bad := func(what string) error {
		return &data.RowError{File: path, Msg: "cannot read Arrow IPC: the file is damaged (" + what + ")"}
	}
	var head [8]byte
	if _, err := f.ReadAt(head[:], 0); err != nil {
		return bad("shorter than 8 bytes")
	}
	if string(head[:4]) == "FEA1" {
		return nil // Feather v1: the reader says it is not supported
	}
	var buf []byte
	var root flatbuffers.UOffsetT
	if string(head[:6]) == "ARROW1" {
		var tail [10]byte
		if size < 16 {
			return bad("too short for a footer")
		}
		if _, err := f.ReadAt(tail[:], size-10); err != nil {
			return bad("cannot read the footer")
		}
		n := int64(int32(binary.LittleEndian.Uint32(tail[:4])))
		if string(tail[4:]) != "ARROW1" || n <= 0 || n > size-18 {
			return bad(fmt.Sprintf("footer of %d bytes in a file of %d", n, size))
		}
		buf = make([]byte, n)
		if _, err := f.ReadAt(buf, size-10-n); err != nil {
			return bad("cannot read the footer")
		}
		footer := flatbuffers.Table{Bytes: buf, Pos: flatbuffers.GetUOffsetT(buf)}
		o := flatbuffers.UOffsetT(footer.Offset(slotFooterSchema))
		if o == 0 {
			return bad("no schema in the footer")
		}
		root = footer.Indirect(o + footer.Pos)
	} else {
		off, n := int64(4), int64(binary.LittleEndian.Uint32(head[:4]))
		if uint32(n) == 0xFFFFFFFF {
			off, n = 8, int64(binary.LittleEndian.Uint32(head[4:8]))
		}
		if n < 4 || n > size-off {
			return bad(fmt.Sprintf("first message of %d bytes in a file of %d", n, size))
		}
		buf = make([]byte, n)
		if _, err := io.ReadFull(io.NewSectionReader(f, off, n), buf); err != nil {
			return bad("cannot read the first message")
		}
		msg := flatbuffers.Table{Bytes: buf, Pos: flatbuffers.GetUOffsetT(buf)}
		if msg.GetByteSlot(slotMessageHeaderType, 0) != messageHeaderSchema {
			return nil // not a schema first: arrow-go says so
		}
		o := flatbuffers.UOffsetT(msg.Offset(slotMessageHeader))
		if o == 0 {
			return bad("a schema message without a schema")
		}
		root = msg.Indirect(o + msg.Pos)
	}
	c := schemaCheck{buf: buf}
	if err := c.table(root, slotSchemaFields, slotSchemaMetadata, 0); err != nil {
		return bad(err.Error())
	}
	return nil
}

// schemaCheck walks a schema's fields, counting them.
type schemaCheck struct {
	buf    []byte
	fields int
}

// vector returns the start and length of the vector of table offsets in
// slot of the table at pos, checking that it fits in the buffer.
func (c *schemaCheck) vector(pos flatbuffers.UOffsetT, slot flatbuffers.VOffsetT) (flatbuffers.UOffsetT, int, error) {
	t := flatbuffers.Table{Bytes: c.buf, Pos: pos}
	o := flatbuffers.UOffsetT(t.Offset(slot))
	if o == 0 {
		return 0, 0, nil
	}
	start := t.Vector(o)
	n := t.VectorLen(o)
	if n < 0 || int64(start)+4*int64(n) > int64(len(c.buf)) {
		return 0, 0, fmt.Errorf("a list of %d entries in %d bytes", n, len(c.buf))
	}
	return start, n, nil
}

// table checks a schema or field table: its key-value metadata, and its
// fields or children, recursively.
func (c *schemaCheck) table(pos flatbuffers.UOffsetT, fieldsSlot, metaSlot flatbuffers.VOffsetT, depth int) error {
	if depth > maxIPCDepth {
		return fmt.Errorf("fields nested more than %d deep", maxIPCDepth)
	}
	if _, _, err := c.vector(pos, metaSlot); err != nil {
		return err
	}
	start, n, err := c.vector(pos, fieldsSlot)
	if err != nil {
		return err
	}
	t := flatbuffers.Table{Bytes: c.buf}
	for i := 0; i < n; i++ {
		if c.fields++; c.fields > maxIPCFields {
			return fmt.Errorf("more than %d fields", maxIPCFields)
		}
		child := t.Indirect(start + flatbuffers.UOffsetT(4*i))
		if err := c.table(child, slotFieldChildren, slotFieldMetadata, depth+1); err != nil {
			return err
		}
	}
	return nil
}
