package duckdb

import (
	"bytes"
	"fmt"
	"io"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/divergence-research/divergence/data"
)

// ipcPanic turns a panic of arrow-go's IPC reader into an error naming
// the file: its flatbuffers code indexes the file's bytes without bounds
// checks of its own, so a damaged file panics (found by FuzzReadIPC).
func ipcPanic(path string, err *error) {
	if p := recover(); p != nil {
		*err = &data.RowError{File: path, Msg: data.Clip(fmt.Sprintf("cannot read Arrow IPC: the file is damaged (%v)", p))}
	}
}

// readIPC reads an Arrow IPC file (magic "ARROW1", also called Feather v2)
// or stream with arrow-go, not DuckDB: DuckDB 1.4 reads Arrow IPC only
// through its nanoarrow extension, which is not built in. A damaged file
// is an error, never a panic.
func (r *fileReader) readIPC(path string, d *decoder) (err error) {
	defer ipcPanic(path, &err)
	return r.readIPCFile(path, d)
}

func (r *fileReader) readIPCFile(path string, d *decoder) error {
	f, fi, err := data.OpenFile(path)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := checkIPCSchema(path, f, fi.Size()); err != nil {
		return err
	}
	limits := []ipc.Option{ipc.WithMetadataSizeLimit(fi.Size()), ipc.WithBodySizeLimit(fi.Size())}
	mem := r.mem
	if mem == nil {
		mem = memory.DefaultAllocator
	}
	magic := make([]byte, 6)
	n, _ := io.ReadFull(f, magic)
	magic = magic[:n]
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return err
	}
	wrap := func(err error) error {
		if _, ok := err.(*data.RowError); ok {
			return err
		}
		return &data.RowError{File: path, Msg: fmt.Sprintf("cannot read Arrow IPC: %v", err)}
	}
	mapSchema := func(s *arrow.Schema) error {
		var names []string
		for _, fl := range s.Fields() {
			names = append(names, fl.Name)
		}
		m, err := mapColumns(path, names)
		d.col = m
		d.topt.monthFirstLayout = monthFirstLayout(names)
		return err
	}
	switch {
	case bytes.HasPrefix(magic, []byte("FEA1")):
		return &data.RowError{File: path, Msg: "Feather v1 is not supported (save it as Feather v2, i.e. Arrow IPC)"}
	case bytes.Equal(magic, []byte("ARROW1")):
		fr, err := ipc.NewFileReader(f, append(limits, ipc.WithAllocator(mem))...)
		if err != nil {
			return wrap(err)
		}
		defer fr.Close()
		if err := mapSchema(fr.Schema()); err != nil {
			return err
		}
		for i := 0; i < fr.NumRecords(); i++ {
			rec, err := fr.RecordBatch(i)
			if err != nil {
				return wrap(err)
			}
			if err := d.add(rec); err != nil {
				return err
			}
		}
		return nil
	default:
		sr, err := ipc.NewReaderFromMessageReader(ipc.NewMessageReader(f, append(limits, ipc.WithAllocator(mem))...), ipc.WithAllocator(mem))
		if err != nil {
			return wrap(err)
		}
		defer sr.Release()
		if err := mapSchema(sr.Schema()); err != nil {
			return err
		}
		if err := feed(sr, d); err != nil {
			return wrap(err)
		}
		return nil
	}
}
